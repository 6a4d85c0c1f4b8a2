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
    Task<RelayBatch> RelayAsync(int maxEntries, Func<ChangeSet, CancellationToken, Task> apply, CancellationToken cancellationToken = default)
        => RelayAsync(maxEntries, RelayDefaults.MaxAttempts, apply, cancellationToken);

    /// <summary>
    /// <see cref="RelayAsync(int, Func{ChangeSet, CancellationToken, Task}, CancellationToken)"/>, with poison entries
    /// set aside: when <paramref name="apply"/> throws <see cref="ChangeRefusedException"/> (the other store refused a
    /// document, it did not fail to answer), the collection's keys are applied one by one; the keys it refuses keep
    /// their entries (counted as one attempt more, with the error) and the others are applied and removed as usual.
    /// A key refused <paramref name="maxAttempts"/> times becomes a dead letter: its entries leave the outbox and it
    /// is kept, with its error and attempt count, in the primary's dead-letter store (<see cref="OutboxDepth.DeadLetters"/>)
    /// until <see cref="RetryDeadLettersAsync"/>. Any other exception removes nothing and counts no attempt.
    /// </summary>
    Task<RelayBatch> RelayAsync(int maxEntries, int maxAttempts, Func<ChangeSet, CancellationToken, Task> apply, CancellationToken cancellationToken = default)
        => RelayAsync(maxEntries, maxAttempts, RefusalBackoff.None, apply, cancellationToken);

    /// <summary>
    /// <see cref="RelayAsync(int, int, Func{ChangeSet, CancellationToken, Task}, CancellationToken)"/>, and a refused key
    /// is not claimed again before <paramref name="backoff"/>'s delay for its attempt count has passed (the other keys are).
    /// </summary>
    Task<RelayBatch> RelayAsync(int maxEntries, int maxAttempts, RefusalBackoff backoff, Func<ChangeSet, CancellationToken, Task> apply, CancellationToken cancellationToken = default);

    /// <summary>Puts every dead letter back in the outbox (attempts from zero); returns how many.</summary>
    Task<long> RetryDeadLettersAsync(CancellationToken cancellationToken = default);

    /// <summary>The dead letters (the oldest first, at most <paramref name="limit"/>), for operators.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken cancellationToken = default);
}

/// <summary>The relay's defaults that Core's callers share (the server's settings override them).</summary>
public static class RelayDefaults
{
    /// <summary><c>OUTBOX_RELAY_MAX_ATTEMPTS</c>'s default.</summary>
    public const int MaxAttempts = 5;
}

/// <summary>A key the other store refused <see cref="Attempts"/> times, set aside from the outbox.</summary>
public sealed record DeadLetter(ChangeKey Key, int Attempts, string Error, DateTimeOffset FirstChangedAt, DateTimeOffset DeadLetteredAt);

/// <summary>
/// Thrown by a <see cref="Ports.IChangeTransferPort"/> when the store answered and refused the documents (a
/// constraint, a value or size it cannot store) — the same write would fail again — as opposed to failing to answer.
/// </summary>
public sealed class ChangeRefusedException(string message, Exception inner) : Exception(message, inner);

/// <param name="Entries">Entries in the outbox.</param>
/// <param name="OldestChangedAt">When the oldest entry's change was committed; null when empty.</param>
/// <param name="DeadLetters">Keys set aside after the other store refused them too often (not in <paramref name="Entries"/>).</param>
public sealed record OutboxDepth(long Entries, DateTimeOffset? OldestChangedAt, long DeadLetters = 0);

/// <summary>One collection's claimed keys: <see cref="Current"/> holds the documents the primary stores now; the other keys were deleted.</summary>
public sealed record ChangeSet(string Collection, IReadOnlyCollection<ChangeKey> Keys, IReadOnlyDictionary<ChangeKey, object> Current)
{
    public IReadOnlyList<ChangeKey> Deleted => Keys.Where(k => !Current.ContainsKey(k)).ToList();
}

/// <param name="Entries">Outbox entries removed.</param>
/// <param name="Documents">Distinct documents copied or deleted.</param>
/// <param name="Refused">Keys the other store refused in this batch (their entries stay, one attempt more).</param>
/// <param name="DeadLettered">Keys of this batch that reached the attempt limit and became dead letters.</param>
public sealed record RelayBatch(int Entries, int Documents, int Refused = 0, int DeadLettered = 0);
