using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Olorin.Core.Models;

namespace Olorin.Migration.Canonical;

// Write-only converters of the canonical form (CanonicalForm). Reading canonical JSON back into models is never needed.

internal sealed class CanonicalDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) CanonicalNumbers.WriteDouble(writer, value);
        else
        {
            CanonicalInspection.Current?.NonFinite(value.ToString(CultureInfo.InvariantCulture));
            writer.WriteStringValue("\u0000" + value.ToString(CultureInfo.InvariantCulture));
        }
    }
}

internal sealed class CanonicalFloatConverter : JsonConverter<float>
{
    public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    /// <summary>The float32 bits as eight hex digits (see <see cref="CanonicalForm"/>); non-finite values are reported to the preflight too.</summary>
    public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options)
    {
        if (!float.IsFinite(value)) CanonicalInspection.Current?.NonFinite(value.ToString(CultureInfo.InvariantCulture));
        Span<byte> hex = stackalloc byte[8];
        BitConverter.SingleToUInt32Bits(value).TryFormat(hex, out _, "x8", CultureInfo.InvariantCulture);
        writer.WriteStringValue(hex);
    }
}

/// <summary>A whole embedding in one raw write: <c>["3e4ccccd",…]</c>, each component as <see cref="CanonicalFloatConverter"/> writes it.</summary>
internal sealed class CanonicalEmbeddingConverter : JsonConverter<float[]>
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    public override float[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, float[] value, JsonSerializerOptions options)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(2 + value.Length * 11);
        try
        {
            var at = 0;
            buffer[at++] = (byte)'[';
            for (var i = 0; i < value.Length; i++)
            {
                if (!float.IsFinite(value[i])) CanonicalInspection.Current?.NonFinite(value[i].ToString(CultureInfo.InvariantCulture));
                if (i > 0) buffer[at++] = (byte)',';
                buffer[at++] = (byte)'"';
                var bits = BitConverter.SingleToUInt32Bits(value[i]);
                for (var shift = 28; shift >= 0; shift -= 4) buffer[at++] = Hex[(int)(bits >> shift) & 0xF];
                buffer[at++] = (byte)'"';
            }
            buffer[at++] = (byte)']';
            writer.WriteRawValue(buffer.AsSpan(0, at), skipInputValidation: true);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

internal sealed class CanonicalDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options)
        => writer.WriteRawValue(value.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
}

internal sealed class CanonicalDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        CanonicalInspection.Current?.Timestamp(value);
        CanonicalNumbers.WriteTimestamp(writer, value);
    }
}

/// <summary>Free-form objects: keys in ordinal order, numbers by kind (<see cref="CanonicalNumbers.Classify"/>).</summary>
internal sealed class CanonicalJsonNodeConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeof(JsonNode).IsAssignableFrom(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : JsonNode
    {
        public override bool HandleNull => true;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, T? value, JsonSerializerOptions options) => WriteNode(writer, value, "");
    }

    internal static void WriteNode(Utf8JsonWriter writer, JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                var properties = new KeyValuePair<string, JsonNode?>[obj.Count];
                ((ICollection<KeyValuePair<string, JsonNode?>>)obj).CopyTo(properties, 0);
                if (properties.Length > 1) Array.Sort(properties, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                foreach (var (name, child) in properties)
                {
                    CanonicalInspection.Current?.FreeFormKey(path, name);
                    writer.WritePropertyName(name);
                    WriteNode(writer, child, path.Length == 0 ? name : path + "." + name);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                for (var i = 0; i < array.Count; i++) WriteNode(writer, array[i], $"{path}[{i}]");
                writer.WriteEndArray();
                break;
            case JsonValue value:
                WriteValue(writer, value);
                break;
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element)) { WriteElement(writer, element, ""); return; }
        if (value.TryGetValue<string>(out var s)) { CanonicalInspection.Current?.Text(s); writer.WriteStringValue(s); return; }
        if (value.TryGetValue<bool>(out var b)) { writer.WriteBooleanValue(b); return; }
        if (value.TryGetValue<int>(out var i)) { writer.WriteNumberValue(i); return; }
        if (value.TryGetValue<long>(out var l)) { writer.WriteNumberValue(l); return; }
        if (value.TryGetValue<short>(out var sh)) { writer.WriteNumberValue(sh); return; }
        if (value.TryGetValue<byte>(out var by)) { writer.WriteNumberValue(by); return; }
        if (value.TryGetValue<uint>(out var ui)) { writer.WriteNumberValue(ui); return; }
        if (value.TryGetValue<double>(out var d)) { new CanonicalDoubleConverter().Write(writer, d, null!); return; }
        if (value.TryGetValue<float>(out var f)) { new CanonicalDoubleConverter().Write(writer, f, null!); return; }
        if (value.TryGetValue<decimal>(out var m)) { writer.WriteRawValue(m.ToString(CultureInfo.InvariantCulture), skipInputValidation: true); return; }
        if (value.TryGetValue<DateTime>(out var dt)) { new CanonicalDateTimeConverter().Write(writer, dt, null!); return; }
        if (value.TryGetValue<DateTimeOffset>(out var dto)) { new CanonicalDateTimeConverter().Write(writer, dto.UtcDateTime, null!); return; }
        WriteElement(writer, JsonSerializer.SerializeToElement(value), "");
    }

    private static void WriteElement(Utf8JsonWriter writer, JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteElement(writer, property.Value, path);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteElement(writer, item, path);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                switch (CanonicalNumbers.Classify(element))
                {
                    case CanonicalNumbers.Kind.Integer: writer.WriteNumberValue(element.GetInt64()); break;
                    case CanonicalNumbers.Kind.Decimal: writer.WriteRawValue(element.GetDecimal().ToString(CultureInfo.InvariantCulture), skipInputValidation: true); break;
                    default: CanonicalNumbers.WriteDouble(writer, element.GetDouble()); break;
                }
                break;
            case JsonValueKind.String:
                var s = element.GetString()!;
                CanonicalInspection.Current?.Text(s);
                writer.WriteStringValue(s);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}

/// <summary>
/// The members a fixed-shape object keeps unknown (<see cref="UnknownMembers"/>), written inline among the known ones:
/// System.Text.Json hands a converter of the <c>[JsonExtensionData]</c> type the writer in place of those members. Keys
/// in ordinal order and values as free-form JSON (keys sorted, numbers by kind), so PostgreSQL's jsonb and MongoDB's
/// BSON of the same members give the same bytes.
/// </summary>
internal sealed class CanonicalUnknownMembersConverter : JsonConverter<UnknownMembers>
{
    public override UnknownMembers Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, UnknownMembers value, JsonSerializerOptions options)
    {
        foreach (var (name, member) in value.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            CanonicalInspection.Current?.FreeFormKey("", name);
            writer.WritePropertyName(name);
            CanonicalJsonNodeConverterFactory.WriteNode(writer, JsonSerializer.SerializeToNode(member), name);
        }
    }
}

internal sealed class CanonicalStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        CanonicalInspection.Current?.Text(value);
        writer.WriteStringValue(value);
    }
}
