using Npgsql;
using NpgsqlTypes;
using Olorin.Core.Serialization;
using Pgvector;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// The two reads of <see cref="ExactVectorIndex"/>: a tenant's whole set (streamed row by row) and the changes since
/// a snapshot (<see cref="ExactIndexChangeSql"/>, <see cref="XidSnapshot"/>), each one batch — one round trip. In both
/// the snapshot is read by the batch's first statement, before the rows: a later statement's snapshot sees at least
/// every transaction the earlier one saw finished, so "every transaction the snapshot saw finished is in what was
/// read" holds (conservatively: one that finished in between is read again next time).
/// </summary>
internal static class ExactIndexSql
{
    private const string Columns = "anomaly_id, severity, detector_id, embedding";

    /// <summary>
    /// Streams the tenant's anomalies with an embedding into <paramref name="sink"/> (which returns false to stop), after
    /// <paramref name="reserve"/> has accepted their count (false: nothing is streamed); returns the snapshot the next
    /// change read starts from, or null when either refused.
    /// </summary>
    public static async Task<XidSnapshot?> LoadAsync(
        NpgsqlDataSource dataSource, string tenantId, Func<long, bool> reserve, Func<string, byte, string, ReadOnlyMemory<float>, bool> sink,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    $"SELECT {XidSnapshot.Columns}, (SELECT count(*) FROM anomaly_events WHERE tenant_id = $1 AND embedding IS NOT NULL)")
                {
                    Parameters = { Tenant(tenantId) },
                },
                new NpgsqlBatchCommand($"SELECT {Columns} FROM anomaly_events WHERE tenant_id = $1 AND embedding IS NOT NULL")
                {
                    Parameters = { Tenant(tenantId) },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var snapshot = XidSnapshot.Read(reader, 0);
        if (!reserve(reader.GetInt64(3))) return null;
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!sink(reader.GetString(0), Severity(reader.GetString(1)), reader.GetString(2), reader.GetFieldValue<Vector>(3).Memory))
                return null;
        }
        return snapshot;
    }

    /// <summary>What changed in the tenant since the snapshot of the previous read.</summary>
    /// <param name="Snapshot">The new read's snapshot: the next read starts there.</param>
    /// <param name="PrunedThrough">Deletions up to this transaction id may be gone from the log.</param>
    /// <param name="Upserts">Rows written by a transaction the old snapshot did not see finished, as they are now (null embedding: remove).</param>
    /// <param name="Deletions">Ids deleted by such a transaction that no row has now.</param>
    /// <param name="TooMany">More than the row limit changed: the rest was not read (reload the tenant instead).</param>
    public sealed record Delta(XidSnapshot Snapshot, long PrunedThrough, List<(string AnomalyId, byte Severity, string DetectorId, float[]? Embedding)> Upserts, List<string> Deletions, bool TooMany = false);

    /// <summary>
    /// One REPEATABLE READ snapshot for all three reads, so xmin, rows and deletions agree (in READ COMMITTED a
    /// re-insert committed between the row and deletion reads would hide the deletion); still one round trip.
    /// Reads only what <paramref name="since"/> did not see finished — stamped at or above its xmax, or by one of its
    /// in-progress transactions — so rows already applied are not read again however far back a long transaction
    /// elsewhere holds xmin; both halves of the condition are ranges of the <c>(tenant_id, change_xid)</c> index.
    /// </summary>
    public static async Task<Delta> ChangesSinceAsync(NpgsqlDataSource dataSource, string tenantId, XidSnapshot since, int maxRows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
                new NpgsqlBatchCommand(
                    $"SELECT {XidSnapshot.Columns}, (SELECT pruned_through FROM anomaly_change_horizon WHERE id = 1)"),
                new NpgsqlBatchCommand($"SELECT {Columns} FROM anomaly_events WHERE tenant_id = $1 AND (change_xid >= $2 OR change_xid = ANY($3)) LIMIT $4")
                {
                    Parameters = { Tenant(tenantId), Xid(since.Xmax), Xids(since.InProgress), new NpgsqlParameter { Value = (long)maxRows + 1, NpgsqlDbType = NpgsqlDbType.Bigint } },
                },
                new NpgsqlBatchCommand("""
                    SELECT d.anomaly_id FROM anomaly_event_deletions d
                    WHERE d.tenant_id = $1 AND (d.change_xid >= $2 OR d.change_xid = ANY($3))
                      AND NOT EXISTS (SELECT 1 FROM anomaly_events e WHERE e.tenant_id = d.tenant_id AND e.anomaly_id = d.anomaly_id)
                    """)
                {
                    Parameters = { Tenant(tenantId), Xid(since.Xmax), Xids(since.InProgress) },
                },
                new NpgsqlBatchCommand("COMMIT"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        // The reader skips BEGIN (no result set): it starts on the xmin row.
        await reader.ReadAsync(cancellationToken);
        var snapshot = XidSnapshot.Read(reader, 0);
        // No horizon row (deleted by hand): nothing is known to be pruned, rather than "everything" (a reload per search).
        var prunedThrough = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
        await reader.NextResultAsync(cancellationToken);
        var upserts = new List<(string, byte, string, float[]?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (upserts.Count == maxRows) return new Delta(snapshot, prunedThrough, [], [], TooMany: true);
            upserts.Add((reader.GetString(0), Severity(reader.GetString(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<Vector>(3).ToArray()));
        }
        await reader.NextResultAsync(cancellationToken);
        var deletions = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) deletions.Add(reader.GetString(0));
        return new Delta(snapshot, prunedThrough, upserts, deletions);
    }

    public static byte Severity(AnomalySeverity severity) => (byte)severity;

    private static byte Severity(string wire) => Severity(WireEnum.Parse<AnomalySeverity>(wire));

    private static NpgsqlParameter Tenant(string tenantId) => new() { Value = tenantId, NpgsqlDbType = NpgsqlDbType.Varchar };

    private static NpgsqlParameter Xid(long xid) => new() { Value = xid, NpgsqlDbType = NpgsqlDbType.Bigint };

    private static NpgsqlParameter Xids(long[] xids) => new() { Value = xids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint };
}
