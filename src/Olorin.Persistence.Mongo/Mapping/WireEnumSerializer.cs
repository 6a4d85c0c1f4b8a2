using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// Stores an enum as its wire string (<see cref="WireEnum"/>), and reads the canonical spelling or any legacy alias
/// (<c>CREATED</c> → <c>Create</c>).
/// </summary>
public sealed class WireEnumSerializer<TEnum> : StructSerializerBase<TEnum> where TEnum : struct, Enum
{
    public static WireEnumSerializer<TEnum> Instance { get; } = new();

    public override TEnum Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var reader = context.Reader;
        if (reader.GetCurrentBsonType() != BsonType.String)
            throw new FormatException(
                $"Cannot read {typeof(TEnum).Name} from BSON {reader.GetCurrentBsonType()}; expected a string, one of: {string.Join(", ", WireEnum.WireValues<TEnum>())}.");
        return WireEnum.Parse<TEnum>(reader.ReadString());
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, TEnum value)
        => context.Writer.WriteString(WireEnum.ToWire(value));
}
