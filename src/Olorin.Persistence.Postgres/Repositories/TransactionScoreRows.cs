using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>What to do with a row whose (tenant_id, investigation_id, transaction_id) is already stored.</summary>
internal enum TransactionScoreConflict
{
    KeepStored,
    ReplaceStored,
}

/// <summary>
/// Writes many transaction scores in one statement: the rows travel as one array parameter per column and are
/// expanded server-side with <c>unnest</c>, so a chunk of thousands costs one round trip.
/// </summary>
internal static class TransactionScoreRows
{
    /// <summary>Rows per statement: large enough to amortise the round trip, small enough to bound parameter size.</summary>
    public const int ChunkSize = 5_000;

    private const string Insert = """
        INSERT INTO transaction_scores (investigation_id, transaction_id, tenant_id, risk_score, score_components, created_at)
        SELECT s.investigation_id, s.transaction_id, s.tenant_id, s.risk_score, s.score_components::jsonb, s.created_at
        FROM unnest(@investigation_ids, @transaction_ids, @tenant_ids, @risk_scores, @score_components, @created_ats)
            AS s (investigation_id, transaction_id, tenant_id, risk_score, score_components, created_at)
        ON CONFLICT (tenant_id, investigation_id, transaction_id)
        """;

    private const string KeepStored = " DO NOTHING";

    private const string ReplaceStored = """
         DO UPDATE SET tenant_id = EXCLUDED.tenant_id, risk_score = EXCLUDED.risk_score,
            score_components = EXCLUDED.score_components, created_at = EXCLUDED.created_at
        """;

    /// <summary>Writes <paramref name="rows"/> chunk by chunk; returns how many rows were inserted or replaced.</summary>
    /// <remarks>With <see cref="TransactionScoreConflict.ReplaceStored"/> a key must not repeat within <paramref name="rows"/>.</remarks>
    public static async Task<int> WriteAsync(
        OlorinDbContext db, IReadOnlyList<TransactionScore> rows, TransactionScoreConflict conflict, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return 0;
        var sql = Insert + (conflict == TransactionScoreConflict.KeepStored ? KeepStored : ReplaceStored);
        // Rows go in key order (ordinal, as collation "C" compares), so two concurrent writes over overlapping keys
        // take their row locks in the same order and wait for each other instead of deadlocking (40P01).
        var ordered = rows
            .OrderBy(s => s.TenantId, StringComparer.Ordinal)
            .ThenBy(s => s.InvestigationId, StringComparer.Ordinal)
            .ThenBy(s => s.TransactionId, StringComparer.Ordinal)
            .ToList();

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var written = 0;
            foreach (var chunk in ordered.Chunk(ChunkSize))
                written += await db.Database.ExecuteSqlRawAsync(sql, Parameters(chunk), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return written;
        });
    }

    private static NpgsqlParameter[] Parameters(TransactionScore[] chunk) =>
    [
        Array("investigation_ids", NpgsqlDbType.Text, chunk.Select(s => s.InvestigationId).ToArray()),
        Array("transaction_ids", NpgsqlDbType.Text, chunk.Select(s => s.TransactionId).ToArray()),
        Array("tenant_ids", NpgsqlDbType.Text, chunk.Select(s => s.TenantId).ToArray()),
        Array("risk_scores", NpgsqlDbType.Double, chunk.Select(s => s.RiskScore).ToArray()),
        // Serialised exactly as the column's converter does, so rows written here read back like any other.
        Array("score_components", NpgsqlDbType.Text, chunk
            .Select(s => s.ScoreComponents is null ? null : JsonSerializer.Serialize(s.ScoreComponents, OlorinJson.Options))
            .ToArray()),
        Array("created_ats", NpgsqlDbType.TimestampTz, chunk.Select(s => s.CreatedAt).ToArray()),
    ];

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, T[] values)
        => new(name, NpgsqlDbType.Array | elementType) { Value = values };
}
