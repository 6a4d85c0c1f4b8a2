using Npgsql;
using NpgsqlTypes;
using Olorin.Core.Serialization;
using Pgvector;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// The two reads of <see cref="ExactVectorIndex"/>: a tenant's whole set (streamed row by row) and the changes since
/// a snapshot's xmin (<see cref="ExactIndexChangeSql"/>), each one batch — one round trip. In both the xmin is read by
/// the batch's first statement, before the rows: a later statement's snapshot sees at least every transaction the
/// earlier one saw finished, so "every transaction below xmin is in what was read" holds (conservatively).
/// </summary>
internal static class ExactIndexSql
{
    private const string Columns = "anomaly_id, severity, detector_id, embedding";

    /// <summary>
    /// Streams the tenant's anomalies with an embedding into <paramref name="sink"/> (which returns false to stop), after
    /// <paramref name="reserve"/> has accepted their count (false: nothing is streamed); returns the snapshot's xmin,
    /// or −1 when either refused.
    /// </summary>
    public static async Task<long> LoadAsync(
        NpgsqlDataSource dataSource, string tenantId, Func<long, bool> reserve, Func<string, byte, string, ReadOnlyMemory<float>, bool> sink,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    $"SELECT {ExactIndexChangeSql.SnapshotXmin}, (SELECT count(*) FROM anomaly_events WHERE tenant_id = $1 AND embedding IS NOT NULL)")
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
        var xmin = reader.GetInt64(0);
        if (!reserve(reader.GetInt64(1))) return -1;
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!sink(reader.GetString(0), Severity(reader.GetString(1)), reader.GetString(2), reader.GetFieldValue<Vector>(3).Memory))
                return -1;
        }
        return xmin;
    }

    /// <summary>What changed in the tenant since <paramref name="sinceXmin"/>.</summary>
    /// <param name="Xmin">The new snapshot's xmin: the next read starts there.</param>
    /// <param name="PrunedThrough">Deletions up to this transaction id may be gone from the log.</param>
    /// <param name="Upserts">Rows written by a transaction ≥ the old xmin, as they are now (null embedding: remove).</param>
    /// <param name="Deletions">Ids deleted by a transaction ≥ the old xmin that no row has now.</param>
    /// <param name="TooMany">More than the row limit changed: the rest was not read (reload the tenant instead).</param>
    public sealed record Delta(long Xmin, long PrunedThrough, List<(string AnomalyId, byte Severity, string DetectorId, float[]? Embedding)> Upserts, List<string> Deletions, bool TooMany = false);

    /// <summary>
    /// One REPEATABLE READ snapshot for all three reads, so xmin, rows and deletions agree (in READ COMMITTED a
    /// re-insert committed between the row and deletion reads would hide the deletion); still one round trip.
    /// </summary>
    public static async Task<Delta> ChangesSinceAsync(NpgsqlDataSource dataSource, string tenantId, long sinceXmin, int maxRows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
                new NpgsqlBatchCommand(
                    $"SELECT {ExactIndexChangeSql.SnapshotXmin}, (SELECT pruned_through FROM anomaly_change_horizon WHERE id = 1)"),
                new NpgsqlBatchCommand($"SELECT {Columns} FROM anomaly_events WHERE tenant_id = $1 AND change_xid >= $2 LIMIT $3")
                {
                    Parameters = { Tenant(tenantId), Xid(sinceXmin), new NpgsqlParameter { Value = (long)maxRows + 1, NpgsqlDbType = NpgsqlDbType.Bigint } },
                },
                new NpgsqlBatchCommand("""
                    SELECT d.anomaly_id FROM anomaly_event_deletions d
                    WHERE d.tenant_id = $1 AND d.change_xid >= $2
                      AND NOT EXISTS (SELECT 1 FROM anomaly_events e WHERE e.tenant_id = d.tenant_id AND e.anomaly_id = d.anomaly_id)
                    """)
                {
                    Parameters = { Tenant(tenantId), Xid(sinceXmin) },
                },
                new NpgsqlBatchCommand("COMMIT"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        // The reader skips BEGIN (no result set): it starts on the xmin row.
        await reader.ReadAsync(cancellationToken);
        var xmin = reader.GetInt64(0);
        // No horizon row (deleted by hand): nothing is known to be pruned, rather than "everything" (a reload per search).
        var prunedThrough = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
        await reader.NextResultAsync(cancellationToken);
        var upserts = new List<(string, byte, string, float[]?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (upserts.Count == maxRows) return new Delta(xmin, prunedThrough, [], [], TooMany: true);
            upserts.Add((reader.GetString(0), Severity(reader.GetString(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<Vector>(3).ToArray()));
        }
        await reader.NextResultAsync(cancellationToken);
        var deletions = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) deletions.Add(reader.GetString(0));
        return new Delta(xmin, prunedThrough, upserts, deletions);
    }

    public static byte Severity(AnomalySeverity severity) => (byte)severity;

    private static byte Severity(string wire) => Severity(WireEnum.Parse<AnomalySeverity>(wire));

    private static NpgsqlParameter Tenant(string tenantId) => new() { Value = tenantId, NpgsqlDbType = NpgsqlDbType.Varchar };

    private static NpgsqlParameter Xid(long xid) => new() { Value = xid, NpgsqlDbType = NpgsqlDbType.Bigint };
}
