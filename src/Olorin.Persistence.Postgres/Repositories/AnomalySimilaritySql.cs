using System.Globalization;
using System.Text;
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

    /// <summary>How many anomalies the query ranks (tenant, filters, with an embedding), counting no further than <paramref name="limit"/>.</summary>
    public static async Task<int> CountCandidatesAsync(
        OlorinDbContext db, string tenantId, SimilarityQuery query, int limit, CancellationToken cancellationToken)
    {
        var (where, parameters) = Candidates(tenantId, query);
        parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        var sql = $"SELECT count(*)::int AS \"Value\" FROM (SELECT 1 FROM anomaly_events WHERE {where} LIMIT @limit) AS candidates";
        return await db.Database.SqlQueryRaw<int>(sql, [.. parameters]).SingleAsync(cancellationToken);
    }

    public static async Task<List<AnomalyNeighbour>> NearestAsync(
        OlorinDbContext db, string tenantId, SimilarityQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = Candidates(tenantId, query);
        parameters.Add(new NpgsqlParameter("vector", new Vector(query.Vector)));
        parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Integer) { Value = query.K });
        var sql = $"SELECT anomaly_id, embedding <=> @vector AS distance FROM anomaly_events WHERE {where} ORDER BY embedding <=> @vector LIMIT @k";
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
