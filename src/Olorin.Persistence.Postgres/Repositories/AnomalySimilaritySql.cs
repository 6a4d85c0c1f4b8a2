using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
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
    /// Runs inside the caller's transaction: <c>SET LOCAL</c> tunes the index scan for this query only.
    /// <c>iterative_scan = relaxed_order</c> (pgvector 0.8) keeps scanning when the tenant and other filters remove
    /// most of the first candidates, so filtered queries still return K rows; the caller re-sorts by distance.
    /// </summary>
    public static async Task ConfigureIndexScanAsync(OlorinDbContext db, int efSearch, CancellationToken cancellationToken)
    {
        var ef = efSearch.ToString(CultureInfo.InvariantCulture);
        await db.Database.ExecuteSqlAsync($"SELECT set_config('hnsw.ef_search', {ef}, true)", cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)", cancellationToken);
    }

    /// <summary>
    /// Runs inside the caller's transaction: with index scans off for this query, the HNSW index cannot be used and
    /// the candidates (found through the tenant's B-tree indexes by bitmap scan) are ranked exactly.
    /// </summary>
    public static async Task ConfigureExactScanAsync(OlorinDbContext db, CancellationToken cancellationToken)
        => await db.Database.ExecuteSqlAsync($"SELECT set_config('enable_indexscan', 'off', true)", cancellationToken);

    /// <summary>
    /// The planner's estimate of how many anomalies the query ranks (tenant, filters, with an embedding), from the
    /// table statistics that ANALYZE (autovacuum) keeps: <c>EXPLAIN</c> plans the candidate query without running it,
    /// so this costs a plan (well under a millisecond), not a scan. Right after a large load and before the next
    /// analyze the estimate can lag; the price is only the choice of path, never a wrong answer on the exact path.
    /// </summary>
    public static async Task<double> EstimateCandidatesAsync(
        OlorinDbContext db, string tenantId, SimilarityQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = Candidates(tenantId, query);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        string plan;
        try
        {
            await using var command = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) SELECT 1 FROM anomaly_events WHERE {where}", connection)
            {
                Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
            };
            command.Parameters.AddRange(parameters.ToArray());
            plan = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        using var json = JsonDocument.Parse(plan);
        return json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }

    /// <summary>
    /// The exact ranking breaks ties by anomaly_id, as the in-process index does (<see cref="Similarity.TenantVectors.Nearest"/>);
    /// the HNSW path cannot (a second sort key would stop the index from serving the ORDER BY).
    /// </summary>
    public static async Task<List<AnomalyNeighbour>> NearestAsync(
        OlorinDbContext db, string tenantId, SimilarityQuery query, VectorSearchPath path, CancellationToken cancellationToken)
    {
        var (where, parameters) = Candidates(tenantId, query);
        parameters.Add(new NpgsqlParameter("vector", new Vector(query.Vector)));
        parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Integer) { Value = query.K });
        var tieBreak = path == VectorSearchPath.Exact ? ", anomaly_id" : "";
        var sql = $"SELECT anomaly_id, embedding <=> @vector AS distance FROM anomaly_events WHERE {where} ORDER BY embedding <=> @vector{tieBreak} LIMIT @k";
        return await db.Database.SqlQueryRaw<AnomalyNeighbour>(sql, [.. parameters]).ToListAsync(cancellationToken);
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

internal sealed class AnomalyNeighbour
{
    public string AnomalyId { get; init; } = "";
    public double Distance { get; init; }
}
