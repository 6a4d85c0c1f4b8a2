using Olorin.Core.Phases;

namespace Olorin.Persistence.Mongo.Repositories.Capture;

/// <summary>
/// The one seam through which every write of the MongoDB adapter records its keys in MongoDB's outbox while capture is
/// on (<c>mongo_primary</c>): <see cref="IWriteIntents.BeginAsync"/> before the write, <see cref="IWriteIntents.EndAsync"/>
/// after it, in a <c>finally</c>, whatever the write answered or threw. Not a transaction around write and entry: a
/// time series (audit_log) cannot be written in one ("You can't write to time series collections in transactions",
/// https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#transactions) and a standalone server has
/// none; each intent and each touch is instead one single-document upsert of the key's entry, atomic on its own on every
/// deployment ("a write operation is atomic on the level of a single document",
/// https://www.mongodb.com/docs/manual/core/write-operations-atomicity/), so concurrent writers of one key count their
/// intents without losing any (<see cref="Outbox.MongoChangeOutbox"/> explains how the relay uses them). A process that
/// dies between the two leaves the entry in flight; the relay copies it once its deadline passes. Capture off (every
/// other phase): the write alone, after one cached look at the switch (<see cref="MongoCaptureSwitch"/>).
/// </summary>
public sealed class CapturedWrites(IWriteIntents intents, MongoCaptureSwitch captureSwitch)
{
    /// <summary>Runs <paramref name="write"/> with <paramref name="keys"/> captured around it.</summary>
    public async Task<T> RunAsync<T>(IReadOnlyCollection<ChangeKey> keys, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        if (keys.Count == 0 || !await captureSwitch.IsOnAsync(cancellationToken)) return await write();
        // Failing here writes nothing: the intents are recorded before the write or the write does not happen.
        await intents.BeginAsync(keys, cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            await EndAsync(keys);
        }
    }

    public Task RunAsync(IReadOnlyCollection<ChangeKey> keys, Func<Task> write, CancellationToken cancellationToken)
        => RunAsync(keys, async () => { await write(); return true; }, cancellationToken);

    /// <summary>One key.</summary>
    public Task<T> RunAsync<T>(ChangeKey key, Func<Task<T>> write, CancellationToken cancellationToken)
        => RunAsync([key], write, cancellationToken);

    /// <summary>
    /// The touch after the write: never cancelled (a cancelled request still wrote, or may have), and a touch that fails
    /// does not fail an acknowledged write: the entry then stays in flight and the relay copies the key after its
    /// deadline (<see cref="Outbox.MongoChangeOutbox.IntentDeadline"/>), as after a crash between write and touch.
    /// </summary>
    private async Task EndAsync(IReadOnlyCollection<ChangeKey> keys)
    {
        try
        {
            await intents.EndAsync(keys, CancellationToken.None);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            // left in flight, see above
        }
    }
}
