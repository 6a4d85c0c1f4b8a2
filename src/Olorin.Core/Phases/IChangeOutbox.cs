namespace Olorin.Core.Phases;

/// <summary>
/// The changed-key outbox of a primary store: every committed write records its key atomically with the write while
/// capture is on. The relay claims entries, copies the primary's current state of their keys to the secondary and
/// then removes exactly the entries it claimed.
/// </summary>
public interface IChangeOutbox : IPendingChanges
{
    Task<bool> IsCaptureOnAsync(CancellationToken cancellationToken = default);

    Task SetCaptureAsync(bool on, CancellationToken cancellationToken = default);

    Task<OutboxDepth> DepthAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="keys"/> as changed, outside any write. The backfill calls it after each batch it wrote
    /// to the secondary: the relay then copies those documents' current state again under its per-key lock, so a
    /// backfill copy that raced a newer change, or re-inserted a document deleted meanwhile, never stays.
    /// </summary>
    Task RecordAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="maxEntries"/> entries no other relay holds, serialises their keys against other
    /// relays, hands each collection's keys with their current primary state to <paramref name="apply"/> and removes
    /// the claimed entries once every call succeeded. When <paramref name="apply"/> throws, nothing is removed.
    /// Returns the number of entries removed (0: nothing to claim).
    /// </summary>
    Task<RelayBatch> RelayAsync(int maxEntries, Func<ChangeSet, CancellationToken, Task> apply, CancellationToken cancellationToken = default);
}

/// <param name="Entries">Entries in the outbox.</param>
/// <param name="OldestChangedAt">When the oldest entry's change was committed; null when empty.</param>
public sealed record OutboxDepth(long Entries, DateTimeOffset? OldestChangedAt);

/// <summary>One collection's claimed keys: <see cref="Current"/> holds the documents the primary stores now; the other keys were deleted.</summary>
public sealed record ChangeSet(string Collection, IReadOnlyCollection<ChangeKey> Keys, IReadOnlyDictionary<ChangeKey, object> Current)
{
    public IReadOnlyList<ChangeKey> Deleted => Keys.Where(k => !Current.ContainsKey(k)).ToList();
}

/// <param name="Entries">Outbox entries removed.</param>
/// <param name="Documents">Distinct documents copied or deleted.</param>
public sealed record RelayBatch(int Entries, int Documents);
