using Npgsql;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// The PostgreSQL snapshot an index read was taken at, as much of it as the next read needs
/// (https://www.postgresql.org/docs/15/functions-info.html#FUNCTIONS-PG-SNAPSHOT): every transaction below
/// <see cref="Xmax"/> and not in <see cref="InProgress"/> had finished when it was taken, so its rows are in what was
/// read; only rows stamped by a transaction in <see cref="InProgress"/> or at or above <see cref="Xmax"/> can be new to
/// the index. Tracking the in-progress set rather than only <see cref="Xmin"/> is what keeps a long transaction
/// elsewhere in the cluster (which holds xmin back) from making every later read re-read everything written since it
/// began.
/// </summary>
/// <param name="Xmin">The oldest transaction still running (the lowest of <paramref name="InProgress"/>, or Xmax).</param>
/// <param name="Xmax">The first transaction id not yet completed: this one and every later one was not visible.</param>
/// <param name="InProgress">The transactions below Xmax still running (pg_snapshot_xip): not visible either.</param>
internal sealed record XidSnapshot(long Xmin, long Xmax, long[] InProgress)
{
    /// <summary>
    /// The statement's snapshot as three columns (xmin, xmax, in-progress ids). <c>pg_current_snapshot()</c> is the
    /// statement's active snapshot, the same for every call in one statement; xid8 has no cast to bigint, its text
    /// form is the 64-bit number.
    /// </summary>
    public const string Columns = """
        pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
        ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(pg_current_snapshot()) x)
        """;

    /// <summary>Reads <see cref="Columns"/> from the current row, starting at column <paramref name="first"/>.</summary>
    public static XidSnapshot Read(NpgsqlDataReader reader, int first)
        => new(reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetFieldValue<long[]>(first + 2));
}
