namespace Olorin.Core.Phases;

/// <summary>
/// The one rule both backends apply when a relayed or backfilled document meets a stored one: the stored document is
/// replaced only when the incoming one is at least as new by the collection's ordering field. Investigations carry a
/// version that every write increments; templates, detectors and Composio connections an <c>updated_at</c> that every
/// write sets. The other collections carry nothing that orders their writes: there the relay stays correct because
/// it serialises each key (one relay at a time per key, always copying the primary's current state), and a backfill
/// only inserts documents the secondary does not hold yet (<see cref="ChangeWriteMode.KeepNewer"/>).
/// </summary>
public static class VersionGuard
{
    private static readonly IReadOnlyDictionary<string, string> Fields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["investigations"] = "version",
        ["templates"] = "updated_at",
        ["detectors"] = "updated_at",
        ["composio_connections"] = "updated_at",
    };

    /// <summary>The snake_case field (PostgreSQL column, MongoDB field) that orders writes of <paramref name="collection"/>; null when none does.</summary>
    public static string? OrderingFieldOf(string collection) => Fields.GetValueOrDefault(collection);
}

/// <summary>How a store writes documents that may already be there.</summary>
public enum ChangeWriteMode
{
    /// <summary>The relay: replace with the primary's current state (relays of one key are serialised by the primary's per-key lock).</summary>
    Relay,

    /// <summary>
    /// A backfill while changes are captured: replace only an older document by <see cref="VersionGuard"/>; where
    /// nothing orders writes, insert only documents not stored yet. The backfill also records the batch's keys in the
    /// primary's outbox (<see cref="IChangeOutbox.RecordAsync"/>), so the relay corrects what the guard cannot see
    /// (equal versions, deletes).
    /// </summary>
    KeepNewer,
}
