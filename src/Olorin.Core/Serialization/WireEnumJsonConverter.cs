using System.Text.Json;
using System.Text.Json.Serialization;

namespace Olorin.Core.Serialization;

/// <summary>System.Text.Json converter for every enum, spelled through <see cref="WireEnum"/>.</summary>
public sealed class WireEnumJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(WireEnumJsonConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class WireEnumJsonConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException($"Expected a string, one of: {string.Join(", ", WireEnum.WireValues<TEnum>())}.");
            var text = reader.GetString();
            return WireEnum.TryParse<TEnum>(text, out var value)
                ? value
                : throw new JsonException($"'{text}' is not a valid value; expected one of: {string.Join(", ", WireEnum.WireValues<TEnum>())}.");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
            => writer.WriteStringValue(WireEnum.ToWire(value));
    }
}
