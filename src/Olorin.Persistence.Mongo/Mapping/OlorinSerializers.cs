using System.Text.Json.Nodes;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// The serializer Olorin stores a CLR type with, when it differs from the driver's default: wire-string enums,
/// UTC millisecond dates, free-form JSON objects and embeddings. Null when the driver's default is right.
/// </summary>
public static class OlorinSerializers
{
    public static IBsonSerializer? For(Type type)
    {
        if (type == typeof(DateTime)) return UtcDateTimeSerializer.Instance;
        if (type == typeof(DateTime?)) return new NullableSerializer<DateTime>(UtcDateTimeSerializer.Instance);
        if (type == typeof(JsonObject)) return JsonObjectSerializer.Instance;
        if (type == typeof(List<JsonObject>))
            return new EnumerableInterfaceImplementerSerializer<List<JsonObject>, JsonObject>(JsonObjectSerializer.Instance);
        if (type == typeof(float[])) return EmbeddingSerializer.Instance;
        if (type.IsEnum) return EnumSerializer(type);
        if (Nullable.GetUnderlyingType(type) is { IsEnum: true } underlying)
            return (IBsonSerializer)Activator.CreateInstance(typeof(NullableSerializer<>).MakeGenericType(underlying), EnumSerializer(underlying))!;
        return null;
    }

    private static IBsonSerializer EnumSerializer(Type enumType)
        => (IBsonSerializer)typeof(WireEnumSerializer<>).MakeGenericType(enumType).GetProperty("Instance")!.GetValue(null)!;
}
