using MongoDB.Bson.Serialization;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// Makes the wire-string enum serializer the process-wide default for Olorin's own enums, so an enum value used
/// outside a class map (an aggregation stage, a <c>BsonDocument</c> filter value) is spelled the same way.
/// </summary>
public sealed class WireEnumSerializationProvider : IBsonSerializationProvider
{
    public IBsonSerializer? GetSerializer(Type type)
        => type.IsEnum && type.Assembly == typeof(Investigation).Assembly ? OlorinSerializers.For(type) : null;
}
