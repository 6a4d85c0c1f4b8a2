using System.Security.Cryptography;
using System.Text.Json;

namespace Olorin.Core.Auditing;

/// <summary>
/// Builds the audit entry that goes with each investigation write, identically for every adapter: the change (fields
/// modified, before/after of those fields) and a snapshot of the state, each kept whole only while the entry stays
/// within <see cref="MaxEntryBytes"/> (<see cref="Fit"/>), so an investigation of any size stays writable on a backend
/// whose documents are bounded (MongoDB: 16 MB, 4 MB in a time series).
/// </summary>
public static class AuditEntries
{
    private static readonly HashSet<string> BookkeepingFields = ["version", "updated_at", "last_accessed"];

    /// <summary>The name <see cref="AuditChanges.Truncated"/> uses for the snapshot.</summary>
    public const string SnapshotName = "state_snapshot";

    /// <summary>
    /// The budget of one entry, measured as its JSON (UTF-8). A quarter of the 4 MB a time-series document may hold
    /// (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#document-size), leaving room for
    /// BSON's larger encoding of some values (numbers, array indexes); adapters check their real encoding on top.
    /// </summary>
    public const int MaxEntryBytes = 1024 * 1024;

    public static AuditLogEntry ForCreate(Investigation created, AuditContext context, DateTime now)
        => Fit(Build(created, AuditActionType.Create, context, now, before: null, after: Snapshot(created), fromVersion: null, toVersion: created.Version), MaxEntryBytes, JsonSize);

    public static AuditLogEntry ForUpdate(Investigation before, Investigation after, AuditContext context, DateTime now)
        => Fit(Build(after, AuditActionType.Update, context, now, Snapshot(before), Snapshot(after), before.Version, after.Version), MaxEntryBytes, JsonSize);

    public static AuditLogEntry ForDelete(Investigation deleted, AuditContext context, DateTime now)
        => Fit(Build(deleted, AuditActionType.Delete, context, now, Snapshot(deleted), after: null, deleted.Version, toVersion: null), MaxEntryBytes, JsonSize);

    /// <summary>The entry's size as JSON (UTF-8 bytes, snake_case as stored in PostgreSQL).</summary>
    public static int JsonSize(AuditLogEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, OlorinJson.Options).Length;

    /// <summary>
    /// Shrinks <paramref name="entry"/> (in place) until <paramref name="measure"/> says it fits in
    /// <paramref name="maxBytes"/>: first the snapshot becomes a digest pointer (<c>{truncated, version, sha256,
    /// size_bytes}</c>), then the largest modified fields' before/after values become digests, one field at a time.
    /// Each replacement is named in <see cref="AuditChanges.Truncated"/>. Fields modified and versions always stay.
    /// </summary>
    public static AuditLogEntry Fit(AuditLogEntry entry, int maxBytes, Func<AuditLogEntry, int> measure)
    {
        if (measure(entry) <= maxBytes) return entry;
        if (!entry.Changes.Truncated.Contains(SnapshotName))
        {
            var pointer = Digest(entry.StateSnapshot);
            pointer["version"] = entry.ToVersion ?? entry.FromVersion;
            entry.StateSnapshot = pointer;
            entry.Changes.Truncated.Add(SnapshotName);
            if (measure(entry) <= maxBytes) return entry;
        }
        var largestFirst = entry.Changes.FieldsModified
            .Where(f => !entry.Changes.Truncated.Contains(f))
            .OrderByDescending(f => Utf8Size(entry.Changes.Before[f]) + Utf8Size(entry.Changes.After[f]))
            .ToList();
        foreach (var field in largestFirst)
        {
            if (entry.Changes.Before.ContainsKey(field)) entry.Changes.Before[field] = Digest(entry.Changes.Before[field]);
            if (entry.Changes.After.ContainsKey(field)) entry.Changes.After[field] = Digest(entry.Changes.After[field]);
            entry.Changes.Truncated.Add(field);
            if (measure(entry) <= maxBytes) return entry;
        }
        return entry; // only names and digests left: as small as it gets
    }

    private static JsonObject Digest(JsonNode? value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, OlorinJson.Options);
        return new JsonObject
        {
            ["truncated"] = true,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["size_bytes"] = bytes.Length,
        };
    }

    private static int Utf8Size(JsonNode? value) => value is null ? 0 : JsonSerializer.SerializeToUtf8Bytes(value, OlorinJson.Options).Length;

    /// <summary>The investigation as stored-shape JSON (snake_case), used for snapshots and before/after.</summary>
    public static JsonObject Snapshot(Investigation investigation)
        => JsonSerializer.SerializeToNode(investigation, OlorinJson.Options)!.AsObject();

    private static AuditLogEntry Build(
        Investigation subject, AuditActionType action, AuditContext context, DateTime now,
        JsonObject? before, JsonObject? after, int? fromVersion, int? toVersion)
    {
        var (modified, beforeChanged, afterChanged) = Diff(before, after);
        return new AuditLogEntry
        {
            // Time-ordered (UUIDv7): in a time series an index on entry_id is kept per bucket as min/max, so ids that
            // grow with time keep lookups selective (DATA-MODEL Decision 2).
            EntryId = Guid.CreateVersion7(now == default ? DateTimeOffset.UtcNow : new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc))).ToString(),
            Metadata = new AuditLogMetadata
            {
                InvestigationId = subject.InvestigationId,
                UserId = context.UserId,
                TenantId = subject.TenantId,
                ActionType = action,
                Source = context.Source,
            },
            Timestamp = now,
            Changes = new AuditChanges { FieldsModified = modified, Before = beforeChanged, After = afterChanged },
            StateSnapshot = after?.DeepClone().AsObject() ?? before!.DeepClone().AsObject(),
            FromVersion = fromVersion,
            ToVersion = toVersion,
            IpAddress = context.IpAddress,
            UserAgent = context.UserAgent,
        };
    }

    private static (List<string> Modified, JsonObject Before, JsonObject After) Diff(JsonObject? before, JsonObject? after)
    {
        var modified = new List<string>();
        var beforeChanged = new JsonObject();
        var afterChanged = new JsonObject();
        var names = (before?.Select(p => p.Key) ?? []).Union(after?.Select(p => p.Key) ?? []);
        foreach (var name in names)
        {
            if (BookkeepingFields.Contains(name)) continue;
            var b = before?[name];
            var a = after?[name];
            if (before is not null && after is not null && JsonNode.DeepEquals(b, a)) continue;
            modified.Add(name);
            if (before is not null) beforeChanged[name] = b?.DeepClone();
            if (after is not null) afterChanged[name] = a?.DeepClone();
        }
        return (modified, beforeChanged, afterChanged);
    }
}
