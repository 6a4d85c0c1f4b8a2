using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// An embedding as a BSON array of doubles, the shape <c>$vectorSearch</c> indexes. An empty array stays empty;
/// a stored null reads back as empty (the model has no "null" embedding).
/// </summary>
public sealed class EmbeddingSerializer : SerializerBase<float[]>
{
    public static EmbeddingSerializer Instance { get; } = new();

    public override float[] Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var reader = context.Reader;
        if (reader.GetCurrentBsonType() == BsonType.Null)
        {
            reader.ReadNull();
            return [];
        }
        var values = new List<float>();
        reader.ReadStartArray();
        while (reader.ReadBsonType() != BsonType.EndOfDocument)
        {
            values.Add(reader.CurrentBsonType switch
            {
                BsonType.Double => (float)reader.ReadDouble(),
                BsonType.Int32 => reader.ReadInt32(),
                BsonType.Int64 => reader.ReadInt64(),
                BsonType.Decimal128 => (float)Decimal128.ToDouble(reader.ReadDecimal128()),
                var other => throw new FormatException($"An embedding holds numbers only, found BSON {other}."),
            });
        }
        reader.ReadEndArray();
        return [.. values];
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, float[]? value)
    {
        var writer = context.Writer;
        writer.WriteStartArray();
        foreach (var component in value ?? []) writer.WriteDouble(component);
        writer.WriteEndArray();
    }
}
