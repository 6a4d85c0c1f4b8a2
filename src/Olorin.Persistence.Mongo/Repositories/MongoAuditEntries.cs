using Olorin.Core.Auditing;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>An audit entry as this adapter writes it: UTC timestamp, and a BSON size the server accepts.</summary>
public static class MongoAuditEntries
{
    /// <summary>
    /// The largest BSON an entry may have here: the time-series document limit ("The maximum size for documents
    /// within a time series collection is 4 MB",
    /// https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#document-size) less a margin for
    /// the server's own fields, whatever kind audit_log is, so an entry that fits once fits after a migration too.
    /// </summary>
    public const int MaxEntryBsonBytes = 4 * 1024 * 1024 - 16 * 1024;

    /// <summary>
    /// Normalizes the timestamp and checks the entry's real (BSON) size before the write, shrinking it the way
    /// <see cref="AuditEntries.Fit"/> does when BSON's encoding outgrows the JSON budget Core applied.
    /// </summary>
    public static AuditLogEntry Prepare(AuditLogEntry entry)
    {
        entry.Timestamp = UtcTime.Normalize(entry.Timestamp);
        return AuditEntries.Fit(entry, MaxEntryBsonBytes, e => e.ToBson().Length);
    }
}
