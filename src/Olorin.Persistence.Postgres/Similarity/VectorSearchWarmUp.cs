using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Olorin.Persistence.Postgres.Repositories;
using Pgvector;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// Readies the HNSW path after a start (<c>PGVECTOR_WARMUP_QUERIES</c>; 0 = off), best-effort and never blocking:
/// <list type="number">
/// <item>the HNSW indexes of <c>anomaly_events</c> into shared buffers with <c>pg_prewarm</c>, when that extension
/// exists in the database (the server never creates it: that is a schema change, left to the operator or
/// <c>scripts/provision-postgres.sh</c>) — after a cluster restart the graph's pages would otherwise be read from disk
/// one walk at a time;</item>
/// <item>each connection of the search pool (<see cref="VectorSearchConnections"/>) runs the server's own HNSW query
/// with stored embeddings as query vectors, so its backend has walked the graph before a request does.</item>
/// </list>
/// The whole warm-up stops after <see cref="TimeLimit"/>, reporting what it did.
/// </summary>
internal sealed class VectorSearchWarmUp(
    VectorSearchConnections connections, IOptions<PostgresVectorSearchOptions> options, ILogger<VectorSearchWarmUp> logger)
{
    /// <summary>
    /// The most the warm-up runs (prewarm and queries); past it, the connections not yet warmed warm up on requests.
    /// 100 queries took ~1 s per connection warm and ~10 s on the loaded 2-core machine (docs/performance.md).
    /// </summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    /// <param name="PrewarmedBlocks">Blocks pg_prewarm loaded (or found loaded); null when it did not run.</param>
    /// <param name="PrewarmSkipped">Why pg_prewarm did not run, when it did not.</param>
    /// <param name="Connections">Search connections that ran all their warm-up queries.</param>
    /// <param name="Queries">Warm-up queries run, over all connections.</param>
    /// <param name="TimedOut">Whether <see cref="TimeLimit"/> cut the warm-up short.</param>
    public sealed record Report(long? PrewarmedBlocks, string? PrewarmSkipped, int Connections, int Queries, bool TimedOut = false);

    public Task<Report> RunAsync(CancellationToken cancellationToken) => RunAsync(TimeLimit, cancellationToken);

    internal async Task<Report> RunAsync(TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.WarmUpQueries == 0) return new Report(null, "PGVECTOR_WARMUP_QUERIES is 0", 0, 0);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeLimit);
        long? blocks = null;
        string? skipped = "the time limit ran out first";
        var (warmed, queries) = (0, 0);
        // Every search connection is opened first, so each is a backend of its own (an idle connection is handed out
        // again before a new one is opened). Each is then warmed in turn and returned to the pool as soon as its own
        // queries are done, so searches wait at most for the first connection's queries and are then served by the
        // warmed ones while the rest warm.
        var opened = new List<NpgsqlConnection>();
        try
        {
            List<(string TenantId, float[] Vector)> samples;
            // The prewarm (disk reads after a cluster restart) holds only one connection.
            await using (var first = await connections.OpenAsync(limit.Token))
            {
                (blocks, skipped) = await PrewarmAsync(first, limit.Token);
                samples = await SampleAsync(first, settings.WarmUpQueries, limit.Token);
            }
            if (samples.Count > 0)
                for (var i = 0; i < connections.Size; i++) opened.Add(await connections.OpenAsync(limit.Token));
            while (opened.Count > 0)
            {
                foreach (var (tenantId, vector) in samples)
                {
                    await AnomalySimilaritySql.NearestAsync(opened[0], tenantId, new SimilarityQuery(vector),
                        VectorSearchPath.Approximate, settings.EfSearch, limit.Token);
                    queries++;
                }
                warmed++;
                await opened[0].DisposeAsync();
                opened.RemoveAt(0);
            }
            return Logged(new Report(blocks, skipped, warmed, queries));
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Logged(new Report(blocks, skipped, warmed, queries, TimedOut: true));
        }
        finally
        {
            foreach (var connection in opened) await connection.DisposeAsync();
        }
    }

    private Report Logged(Report report)
    {
        logger.LogInformation(
            "Vector search warm-up: pg_prewarm {PrewarmedBlocks} blocks{PrewarmSkipped}, {Queries} HNSW queries, {Connections} search connections warmed{TimedOut}",
            report.PrewarmedBlocks ?? 0, report.PrewarmSkipped is null ? "" : $" (skipped: {report.PrewarmSkipped})",
            report.Queries, report.Connections, report.TimedOut ? $" (stopped at the {TimeLimit.TotalSeconds:0} s limit)" : "");
        return report;
    }

    private static async Task<(long? Blocks, string? Skipped)> PrewarmAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var check = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm')", connection))
        {
            if (!(bool)(await check.ExecuteScalarAsync(cancellationToken))!)
                return (null, "the pg_prewarm extension does not exist in this database (CREATE EXTENSION pg_prewarm, as the database owner, enables it)");
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
