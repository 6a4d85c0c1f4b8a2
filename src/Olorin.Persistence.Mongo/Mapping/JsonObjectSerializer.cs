using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// A free-form <see cref="JsonObject"/> as an embedded BSON document (<see cref="JsonBson"/>). A stored null reads
/// back as an empty object, since the models default every free-form object to <c>{}</c>.
/// </summary>
public sealed class JsonObjectSerializer : SerializerBase<JsonObject>
{
    public static JsonObjectSerializer Instance { get; } = new();

    public override JsonObject Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        if (context.Reader.GetCurrentBsonType() == BsonType.Null)
        {
            context.Reader.ReadNull();
            return [];
        }
        return JsonBson.ToJsonObject(BsonDocumentSerializer.Instance.Deserialize(context));
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, JsonObject? value)
        => BsonDocumentSerializer.Instance.Serialize(context, value is null ? new BsonDocument() : JsonBson.ToBsonDocument(value));
}
