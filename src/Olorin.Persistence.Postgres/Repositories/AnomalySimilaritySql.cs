using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Pgvector;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The K nearest anomaly embeddings of a tenant by cosine distance (<c>&lt;=&gt;</c>), through the HNSW index.
/// Written in SQL because the embedding property is converted (float[] ⇄ vector), which LINQ's
/// <c>CosineDistance</c> does not accept.
/// </summary>
internal static class AnomalySimilaritySql
{
    /// <summary>
    /// Runs inside the caller's transaction (the investigation semantic search): <c>SET LOCAL</c> tunes the index scan
    /// for this query only, as <see cref="NearestAsync"/> does in its batch.
    /// </summary>
    public static async Task ConfigureIndexScanAsync(OlorinDbContext db, int efSearch, CancellationToken cancellationToken)
    {
        var ef = efSearch.ToString(CultureInfo.InvariantCulture);
        await db.Database.ExecuteSqlAsync($"SELECT set_config('hnsw.ef_search', {ef}, true)", cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)", cancellationToken);
    }

    /// <summary>Runs inside the caller's transaction: index scans off for this query, so every candidate is ranked exactly.</summary>
    public static async Task ConfigureExactScanAsync(OlorinDbContext db, CancellationToken cancellationToken)
        => await db.Database.ExecuteSqlAsync($"SELECT set_config('enable_indexscan', 'off', true)", cancellationToken);

    /// <summary>
    /// The planner's estimate of how many anomalies the query ranks (tenant, filters, with an embedding), from the
    /// table statistics that ANALYZE (autovacuum) keeps: <c>EXPLAIN</c> plans the candidate query without running it,
    /// so this costs a plan (well under a millisecond), not a scan. Right after a large load and before the next
    /// analyze the estimate can lag; the price is only the choice of path, never a wrong answer on the exact path.
    /// </summary>
    public static async Task<double> EstimateCandidatesAsync(
        NpgsqlConnection connection, string tenantId, SimilarityQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = Candidates(tenantId, query);
        await using var command = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) SELECT 1 FROM anomaly_events WHERE {where}", connection);
        command.Parameters.AddRange(parameters.ToArray());
        var plan = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        using var json = JsonDocument.Parse(plan);
        return json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }

    /// <summary>
    /// The K nearest (anomaly_id, cosine distance), in one round trip: a batch whose first statement tunes the scan
    /// with <c>set_config(…, true)</c> and whose second ranks. A batch runs in one implicit transaction, so the local
    /// settings hold for the ranking and end with it. Approximate: <c>hnsw.ef_search</c> = <paramref name="efSearch"/>
    /// and <c>iterative_scan = relaxed_order</c> (pgvector 0.8), which keeps scanning when the tenant and other filters
    /// remove most of the first candidates, so filtered queries still return K rows. Exact: index scans off, so the
    /// HNSW index cannot serve the ORDER BY and every candidate is ranked; ties by anomaly_id, as the in-process index
    /// breaks them (<see cref="Similarity.TenantVectors.Nearest"/>) — the HNSW path cannot (a second sort key would
    /// stop the index from serving the ORDER BY).
    /// </summary>
    public static async Task<List<(string AnomalyId, double Distance)>> NearestAsync(
        NpgsqlConnection connection, string tenantId, SimilarityQuery query, VectorSearchPath path, int efSearch, CancellationToken cancellationToken)
    {
        var (where, parameters) = Candidates(tenantId, query);
        parameters.Add(new NpgsqlParameter("vector", new Vector(query.Vector)));
        parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Integer) { Value = query.K });
        var tieBreak = path == VectorSearchPath.Exact ? ", anomaly_id" : "";
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(path == VectorSearchPath.Exact
            ? new NpgsqlBatchCommand("SELECT set_config('enable_indexscan', 'off', true)")
            : new NpgsqlBatchCommand("SELECT set_config('hnsw.ef_search', @ef, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)")
            {
                Parameters = { Text("ef", efSearch.ToString(CultureInfo.InvariantCulture)) },
            });
        var rank = new NpgsqlBatchCommand(
            $"SELECT anomaly_id, embedding <=> @vector AS distance FROM anomaly_events WHERE {where} ORDER BY embedding <=> @vector{tieBreak} LIMIT @k");
        rank.Parameters.AddRange(parameters.ToArray());
        batch.BatchCommands.Add(rank);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var neighbours = new List<(string, double)>(query.K);
        while (await reader.ReadAsync(cancellationToken)) neighbours.Add((reader.GetString(0), reader.GetDouble(1)));
        return neighbours;
    }

    /// <summary>The WHERE clause (and its parameters) selecting the anomalies a query ranks.</summary>
    private static (string Where, List<NpgsqlParameter> Parameters) Candidates(string tenantId, SimilarityQuery query)
    {
        var where = new StringBuilder("tenant_id = @tenant_id AND embedding IS NOT NULL");
        var parameters = new List<NpgsqlParameter> { Text("tenant_id", tenantId) };
        if (query.Severity is { } severity)
        {
            where.Append(" AND severity = @severity");
            parameters.Add(Text("severity", WireEnum.ToWire(severity)));
        }
        if (query.DetectorId is { } detectorId)
        {
            where.Append(" AND detector_id = @detector_id");
            parameters.Add(Text("detector_id", detectorId));
        }
        if (query.ExcludeAnomalyId is { } excluded)
        {
            where.Append(" AND anomaly_id <> @excluded");
            parameters.Add(Text("excluded", excluded));
        }
        return (where.ToString(), parameters);
    }

    private static NpgsqlParameter Text(string name, string value) => new(name, NpgsqlDbType.Varchar) { Value = value };
}
