using System.Globalization;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// A BSON date in UTC at millisecond precision — a BSON date is milliseconds since the Unix epoch, UTC
/// (https://www.mongodb.com/docs/manual/reference/bson-types/#date) — (<see cref="UtcTime.Normalize(DateTime)"/>); an unspecified kind is
/// taken as UTC, never as local time. Reads back a <see cref="DateTimeKind.Utc"/> value. ISO-8601 strings written
/// by older tools are accepted on read.
/// </summary>
public sealed class UtcDateTimeSerializer : StructSerializerBase<DateTime>
{
    public static UtcDateTimeSerializer Instance { get; } = new();

    public override DateTime Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var reader = context.Reader;
        return reader.GetCurrentBsonType() switch
        {
            BsonType.DateTime => BsonUtils.ToDateTimeFromMillisecondsSinceEpoch(reader.ReadDateTime()),
            BsonType.String => UtcTime.Normalize(DateTime.Parse(reader.ReadString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)),
            var other => throw new FormatException($"Cannot read a date from BSON {other}."),
        };
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, DateTime value)
        => context.Writer.WriteDateTime(BsonUtils.ToMillisecondsSinceEpoch(UtcTime.Normalize(value)));
}
