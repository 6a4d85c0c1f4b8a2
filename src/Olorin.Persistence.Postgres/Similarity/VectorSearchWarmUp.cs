using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Olorin.Persistence.Postgres.Repositories;
using Pgvector;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// Readies the HNSW path after a start (<c>PGVECTOR_WARMUP_QUERIES</c>; 0 = off), best-effort and never blocking:
/// <list type="number">
/// <item>the HNSW indexes of <c>anomaly_events</c> into shared buffers with <c>pg_prewarm</c> (contrib, shipped with
/// PostgreSQL; created here when it is available and the role may, otherwise skipped with the reason) — after a
/// cluster restart the graph's pages would otherwise be read from disk one walk at a time;</item>
/// <item>each connection of the search pool (<see cref="VectorSearchConnections"/>) runs the server's own HNSW query
/// with stored embeddings as query vectors, so its backend has walked the graph before a request does.</item>
/// </list>
/// </summary>
internal sealed class VectorSearchWarmUp(
    VectorSearchConnections connections, IOptions<PostgresVectorSearchOptions> options, ILogger<VectorSearchWarmUp> logger)
{
    /// <param name="PrewarmedBlocks">Blocks pg_prewarm loaded (or found loaded); null when it did not run.</param>
    /// <param name="PrewarmSkipped">Why pg_prewarm did not run, when it did not.</param>
    /// <param name="Connections">Search connections that ran the warm-up queries.</param>
    /// <param name="Queries">Warm-up queries run, over all connections.</param>
    public sealed record Report(long? PrewarmedBlocks, string? PrewarmSkipped, int Connections, int Queries);

    public async Task<Report> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.WarmUpQueries == 0) return new Report(null, "PGVECTOR_WARMUP_QUERIES is 0", 0, 0);
        var (blocks, skipped) = await PrewarmAsync(cancellationToken);
        // Every search connection at once, so each is a backend of its own.
        var opened = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < connections.Size; i++) opened.Add(await connections.OpenAsync(cancellationToken));
            var samples = await SampleAsync(opened[0], settings.WarmUpQueries, cancellationToken);
            var queries = 0;
            foreach (var connection in opened)
                foreach (var (tenantId, vector) in samples)
                {
                    await AnomalySimilaritySql.NearestAsync(connection, tenantId, new SimilarityQuery(vector),
                        VectorSearchPath.Approximate, settings.EfSearch, cancellationToken);
                    queries++;
                }
            var report = new Report(blocks, skipped, samples.Count == 0 ? 0 : opened.Count, queries);
            logger.LogInformation(
                "Vector search warm-up: pg_prewarm {PrewarmedBlocks} blocks{PrewarmSkipped}, {Queries} HNSW queries on {Connections} search connections",
                blocks ?? 0, skipped is null ? "" : $" (skipped: {skipped})", report.Queries, report.Connections);
            return report;
        }
        finally
        {
            foreach (var connection in opened) await connection.DisposeAsync();
        }
    }

    private async Task<(long? Blocks, string? Skipped)> PrewarmAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using (var check = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'), EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm')",
            connection))
        await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(0) && !reader.GetBoolean(1)) return (null, "the pg_prewarm extension is not installed on the PostgreSQL server");
            if (!reader.GetBoolean(0))
            {
                await reader.DisposeAsync();
                try
                {
                    await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_prewarm", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException e)
                {
                    return (null, $"CREATE EXTENSION pg_prewarm failed: {e.SqlState} {e.MessageText}");
                }
            }
        }
        try
        {
            await using var prewarm = new NpgsqlCommand(
                """
                SELECT coalesce(sum(pg_prewarm(i.indexrelid::regclass)), 0)::bigint
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
                WHERE i.indrelid = 'anomaly_events'::regclass AND a.amname = 'hnsw'
                """, connection);
            return ((long)(await prewarm.ExecuteScalarAsync(cancellationToken))!, null);
        }
        catch (PostgresException e)
        {
            return (null, $"pg_prewarm failed: {e.SqlState} {e.MessageText}");
        }
    }

    /// <summary>
    /// Stored embeddings to query with, as real queries would look: about 1% of the table's pages sampled, or the
    /// first rows when the sample finds too few (a small table).
    /// </summary>
    private static async Task<List<(string TenantId, float[] Vector)>> SampleAsync(NpgsqlConnection connection, int count, CancellationToken cancellationToken)
    {
        var samples = new List<(string, float[])>(count);
        foreach (var sql in new[]
        {
            "SELECT tenant_id, embedding FROM anomaly_events TABLESAMPLE SYSTEM (1) WHERE embedding IS NOT NULL LIMIT @n",
            "SELECT tenant_id, embedding FROM anomaly_events WHERE embedding IS NOT NULL LIMIT @n",
        })
        {
            samples.Clear();
            await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter("n", count) } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) samples.Add((reader.GetString(0), reader.GetFieldValue<Vector>(1).ToArray()));
            if (samples.Count == count) break;
        }
        return samples;
    }
}
