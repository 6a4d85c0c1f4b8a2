using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>Gives every mapped member whose type Olorin stores specially its serializer (<see cref="OlorinSerializers"/>).</summary>
public sealed class OlorinSerializerConvention : ConventionBase, IMemberMapConvention
{
    public void Apply(BsonMemberMap memberMap)
    {
        if (OlorinSerializers.For(memberMap.MemberType) is { } serializer) memberMap.SetSerializer(serializer);
    }
}
