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

    public static async Task<List<AnomalyNeighbour>> NearestAsync(
        OlorinDbContext db, string tenantId, SimilarityQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("""
            SELECT anomaly_id, embedding <=> @vector AS distance
            FROM anomaly_events
            WHERE tenant_id = @tenant_id AND embedding IS NOT NULL
            """);
        var parameters = new List<NpgsqlParameter>
        {
            new("vector", new Vector(query.Vector)),
            Text("tenant_id", tenantId),
            new("k", NpgsqlDbType.Integer) { Value = query.K },
        };
        if (query.Severity is { } severity)
        {
            sql.Append(" AND severity = @severity");
            parameters.Add(Text("severity", WireEnum.ToWire(severity)));
        }
        if (query.DetectorId is { } detectorId)
        {
            sql.Append(" AND detector_id = @detector_id");
            parameters.Add(Text("detector_id", detectorId));
        }
        if (query.ExcludeAnomalyId is { } excluded)
        {
            sql.Append(" AND anomaly_id <> @excluded");
            parameters.Add(Text("excluded", excluded));
        }
        sql.Append(" ORDER BY embedding <=> @vector LIMIT @k");

        return await db.Database.SqlQueryRaw<AnomalyNeighbour>(sql.ToString(), [.. parameters]).ToListAsync(cancellationToken);
    }

    private static NpgsqlParameter Text(string name, string value) => new(name, NpgsqlDbType.Varchar) { Value = value };
}

internal sealed class AnomalyNeighbour
{
    public string AnomalyId { get; init; } = "";
    public double Distance { get; init; }
}
