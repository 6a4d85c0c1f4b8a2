namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// The decisions of the guarded replace of a run in a legacy <c>detection_runs</c> time series (a delete guarded on the
/// status read, then the insert of the changed run; <see cref="MongoDetectionRunRepository"/>), as a table from what
/// was observed to what to do next. The database steps stay in the repository; this is the part that decides whether
/// a failure can have lost the run, written once and tested on its own. The rules behind it: after a failed write only
/// a read tells whether it ran, and no write is repeated on a guess — a second insert of a run that stands would be a
/// duplicate the time series cannot refuse (no unique index on a time series,
/// https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#secondary-indexes), and a delete that
/// matched nothing after an earlier failed attempt may mean that attempt ran.
/// </summary>
public static class TimeSeriesReplace
{
    public enum Next
    {
        /// <summary>Send the guarded delete (again).</summary>
        Delete,

        /// <summary>The run is deleted by us: insert the replacement.</summary>
        Insert,

        /// <summary>Read the run by key before writing anything.</summary>
        Read,

        /// <summary>The replacement stands: the transition is done.</summary>
        Done,

        /// <summary>Another transition changed the run first; ours changed nothing.</summary>
        NotReplaced,
    }

    /// <summary>What a read of the run by key found.</summary>
    public enum Seen
    {
        /// <summary>No run with the key.</summary>
        Missing,

        /// <summary>The run, still in the status the guard expects.</summary>
        AsRead,

        /// <summary>The run in another status (after an insert: our replacement).</summary>
        Changed,

        /// <summary>The read failed.</summary>
        Unknown,
    }

    /// <summary>
    /// The guarded delete answered <paramref name="deletedCount"/>. Zero is a lost race only when no earlier attempt
    /// failed; after a failed attempt (which may have run) the run is read first.
    /// </summary>
    public static Next AfterDelete(long deletedCount, bool earlierAttemptFailed)
        => deletedCount > 0 ? Next.Insert : earlierAttemptFailed ? Next.Read : Next.NotReplaced;

    /// <summary>
    /// A delete failed (reply lost, connection dropped, cancelled once sent): read. The driver already retried it once
    /// where it could (deleteOne is a retryable write, https://www.mongodb.com/docs/manual/core/retryable-writes/#retryable-write-operations).
    /// </summary>
    public static Next AfterFailedDelete() => Next.Read;

    /// <summary>The insert of the replacement failed (it may have run anyway): read.</summary>
    public static Next AfterFailedInsert() => Next.Read;

    /// <summary>What a read decides, before the insert was sent (<paramref name="inserting"/> false) or after.</summary>
    public static Next AfterRead(Seen seen, bool inserting) => (seen, inserting) switch
    {
        (Seen.Unknown, _) => Next.Read,
        (Seen.Missing, _) => Next.Insert,
        (_, true) => Next.Done,
        (Seen.AsRead, false) => Next.Delete,
        (Seen.Changed, false) => Next.NotReplaced,
        _ => throw new ArgumentOutOfRangeException(nameof(seen)),
    };
}
