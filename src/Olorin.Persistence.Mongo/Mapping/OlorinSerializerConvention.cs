using System.Reflection;
using System.Text.Json.Nodes;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>Gives every mapped member whose type Olorin stores specially its serializer (<see cref="OlorinSerializers"/>).</summary>
public sealed class OlorinSerializerConvention : ConventionBase, IMemberMapConvention
{
    public void Apply(BsonMemberMap memberMap)
    {
        if (memberMap.MemberType == typeof(JsonObject) && IsDeclaredNullable(memberMap.MemberInfo))
            memberMap.SetSerializer(JsonObjectSerializer.Nullable);
        else if (OlorinSerializers.For(memberMap.MemberType) is { } serializer)
            memberMap.SetSerializer(serializer);
    }

    /// <summary>A <c>JsonObject?</c> member: null is a value the client may have sent (Decision 12).</summary>
    private static bool IsDeclaredNullable(MemberInfo member) => member is PropertyInfo property
        && new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;
}
