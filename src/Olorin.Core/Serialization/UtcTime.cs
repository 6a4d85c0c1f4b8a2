namespace Olorin.Core.Serialization;

/// <summary>
/// Timestamps are kept in UTC at millisecond precision, the precision of a BSON date, so that a document
/// copied from PostgreSQL (microseconds) to MongoDB and back compares equal.
/// </summary>
public static class UtcTime
{
    public static DateTime Now(TimeProvider clock) => Normalize(clock.GetUtcNow().UtcDateTime);

    public static DateTime Normalize(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        };
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    public static DateTime? Normalize(DateTime? value) => value is { } v ? Normalize(v) : null;
}
