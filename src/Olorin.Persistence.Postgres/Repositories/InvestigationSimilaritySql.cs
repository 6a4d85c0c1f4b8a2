using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Semantic investigation search: the tenant's investigations by cosine distance (<c>&lt;=&gt;</c>) of their
/// embedding to the query's, within 1 − min_similarity. In SQL for the same reason as <see cref="AnomalySimilaritySql"/>.
/// </summary>
internal static class InvestigationSimilaritySql
{
    private const string Where = "tenant_id = @tenant_id AND embedding IS NOT NULL AND (embedding <=> @vector) <= @max_distance";

    /// <summary>How many investigations of the tenant are similar enough (an exact count: linear in the tenant's embedded investigations).</summary>
    public static async Task<int> CountAsync(OlorinDbContext db, string tenantId, float[] vector, double minSimilarity, CancellationToken cancellationToken)
        => await db.Database.SqlQueryRaw<int>(
                $"SELECT count(*)::int AS \"Value\" FROM investigation_states WHERE {Where}", [.. Parameters(tenantId, vector, minSimilarity)])
            .SingleAsync(cancellationToken);

    public static async Task<List<InvestigationNeighbour>> NearestAsync(
        OlorinDbContext db, string tenantId, float[] vector, double minSimilarity, int skip, int take, CancellationToken cancellationToken)
    {
        var parameters = Parameters(tenantId, vector, minSimilarity);
        parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = skip });
        parameters.Add(new NpgsqlParameter("take", NpgsqlDbType.Integer) { Value = take });
        var sql = $"SELECT investigation_id, embedding <=> @vector AS distance FROM investigation_states WHERE {Where} " +
                  "ORDER BY embedding <=> @vector LIMIT @take OFFSET @skip";
        return await db.Database.SqlQueryRaw<InvestigationNeighbour>(sql, [.. parameters]).ToListAsync(cancellationToken);
    }

    private static List<NpgsqlParameter> Parameters(string tenantId, float[] vector, double minSimilarity) =>
    [
        new("tenant_id", NpgsqlDbType.Varchar) { Value = tenantId },
        new("vector", new Vector(vector)),
        new("max_distance", NpgsqlDbType.Double) { Value = 1.0 - minSimilarity },
    ];
}

internal sealed class InvestigationNeighbour
{
    public string InvestigationId { get; init; } = "";
    public double Distance { get; init; }
}
