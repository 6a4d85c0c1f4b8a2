using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// A fixed-shape object (<see cref="IKeepsUnknownMembers"/>) as one embedded document: its known members through its
/// class map, then the members the server does not interpret as they were sent (<see cref="JsonBson"/> keeps their
/// number kinds and nesting). Reading splits them again, so a stored element the model does not know is kept, not
/// ignored as the convention pack ignores extra elements elsewhere (Decision 12). Member paths of the known members
/// (<c>window.from</c>) render in typed builders and LINQ as before.
/// </summary>
public sealed class UnknownMembersSerializer<T> : SerializerBase<T>, IBsonDocumentSerializer where T : class, IKeepsUnknownMembers
{
    private readonly BsonClassMapSerializer<T> _known;
    private readonly HashSet<string> _knownNames;

    /// <param name="classMap">The type's class map without <see cref="IKeepsUnknownMembers.UnknownMembers"/>, frozen.</param>
    public UnknownMembersSerializer(BsonClassMap classMap)
    {
        _known = new BsonClassMapSerializer<T>(classMap);
        _knownNames = classMap.AllMemberMaps.Select(m => m.ElementName).ToHashSet(StringComparer.Ordinal);
    }

    public override T Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        if (context.Reader.GetCurrentBsonType() == BsonType.Null)
        {
            context.Reader.ReadNull();
            return null!;
        }
        var document = BsonDocumentSerializer.Instance.Deserialize(context);
        var known = new BsonDocument();
        var unknown = new UnknownMembers();
        foreach (var element in document)
        {
            if (_knownNames.Contains(element.Name)) known.Add(element);
            else unknown[element.Name] = JsonBson.ToJsonElement(element.Value);
        }
        using var reader = new BsonDocumentReader(known);
        var value = _known.Deserialize(BsonDeserializationContext.CreateRoot(reader));
        value.UnknownMembers = unknown;
        return value;
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, T? value)
    {
        if (value is null)
        {
            context.Writer.WriteNull();
            return;
        }
        var document = new BsonDocument();
        using (var writer = new BsonDocumentWriter(document)) _known.Serialize(BsonSerializationContext.CreateRoot(writer), value);
        foreach (var (name, member) in value.UnknownMembers)
            if (!_knownNames.Contains(name)) document.Add(name, JsonBson.ToBsonValue(member));
        BsonDocumentSerializer.Instance.Serialize(context, document);
    }

    public bool TryGetMemberSerializationInfo(string memberName, out BsonSerializationInfo serializationInfo)
        => _known.TryGetMemberSerializationInfo(memberName, out serializationInfo);
}
