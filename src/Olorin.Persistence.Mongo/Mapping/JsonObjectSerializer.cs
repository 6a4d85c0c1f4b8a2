using System.Text.Json.Nodes;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// A free-form <see cref="JsonObject"/> as an embedded BSON document (<see cref="JsonBson"/>). For a member the
/// model declares non-nullable, a stored null reads back as an empty object (those default to <c>{}</c>); for a
/// nullable one (<see cref="Nullable"/>) null stays null, so what a client sent comes back as sent (Decision 12).
/// </summary>
public sealed class JsonObjectSerializer(bool keepsNull = false) : SerializerBase<JsonObject>
{
    public static JsonObjectSerializer Instance { get; } = new();

    public static JsonObjectSerializer Nullable { get; } = new(keepsNull: true);

    public override JsonObject Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        if (context.Reader.GetCurrentBsonType() == BsonType.Null)
        {
            context.Reader.ReadNull();
            return keepsNull ? null! : [];
        }
        return JsonBson.ToJsonObject(BsonDocumentSerializer.Instance.Deserialize(context));
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, JsonObject? value)
    {
        if (value is null && keepsNull) context.Writer.WriteNull();
        else BsonDocumentSerializer.Instance.Serialize(context, value is null ? new BsonDocument() : JsonBson.ToBsonDocument(value));
    }
}
