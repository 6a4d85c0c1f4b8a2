using System.Linq.Expressions;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// The queries of the embedding worker and backfill: documents without an embedding (absent, null or empty array),
/// in (tenant_id, id) order after a key — served by the unique (tenant_id, id) index (ListSortCoverageTests) — and
/// the guarded writes that fill one in (a filter that no longer matches once another writer filled it: single-document
/// writes are atomic, https://www.mongodb.com/docs/manual/core/write-operations-atomicity/).
/// </summary>
public static class EmbeddingFilters
{
    /// <summary>Anomalies without an embedding, of one tenant or all, after <paramref name="after"/>.</summary>
    public static FilterDefinition<AnomalyEvent> AnomaliesWithout(string? tenantId, TenantKey? after)
        => Without<AnomalyEvent>(a => a.Embedding, a => a.TenantId, a => a.AnomalyId, tenantId, after);

    public static SortDefinition<AnomalyEvent> AnomalyKeyOrder { get; } =
        Builders<AnomalyEvent>.Sort.Ascending(a => a.TenantId).Ascending(a => a.AnomalyId);

    /// <summary>The anomaly, only while it has no embedding.</summary>
    public static FilterDefinition<AnomalyEvent> AnomalyStillWithout(string tenantId, string anomalyId)
        => AnomalyFilters.ById(tenantId, anomalyId) & Missing<AnomalyEvent>(a => a.Embedding);

    public static FilterDefinition<Investigation> InvestigationsWithout(string? tenantId, TenantKey? after)
        => Without<Investigation>(i => i.Embedding, i => i.TenantId, i => i.InvestigationId, tenantId, after);

    public static SortDefinition<Investigation> InvestigationKeyOrder { get; } =
        Builders<Investigation>.Sort.Ascending(i => i.TenantId).Ascending(i => i.InvestigationId);

    /// <summary>The investigation, only while it is at <paramref name="version"/> and has no embedding.</summary>
    public static FilterDefinition<Investigation> InvestigationStillWithout(string tenantId, string investigationId, int version)
        => InvestigationFilters.AtVersion(tenantId, investigationId, version) & Missing<Investigation>(i => i.Embedding);

    public static UpdateDefinition<T> SetEmbedding<T>(Expression<Func<T, float[]>> field, float[] embedding)
        => Builders<T>.Update.Set(field, embedding);

    /// <summary>
    /// No embedding: the field absent (<c>$exists: false</c>), null (<c>$type: null</c> matches only a stored null, not a
    /// missing field: https://www.mongodb.com/docs/manual/tutorial/query-for-null-fields/), or an empty array
    /// (<c>$size: 0</c>; how the model's "none" is stored).
    /// </summary>
    public static FilterDefinition<T> Missing<T>(Expression<Func<T, float[]>> field)
    {
        var filter = Builders<T>.Filter;
        var path = new ExpressionFieldDefinition<T>(field);
        return filter.Or(filter.Exists(path, false), filter.Type(path, BsonType.Null), filter.Size(path, 0));
    }

    private static FilterDefinition<T> Without<T>(
        Expression<Func<T, float[]>> embedding, Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, string? tenantId, TenantKey? after)
    {
        var filter = Builders<T>.Filter;
        var result = Missing(embedding);
        if (tenantId is not null) result &= filter.Eq(tenant, tenantId);
        if (after is { } key)
            result &= filter.Or(filter.Gt(tenant, key.TenantId), filter.And(filter.Eq(tenant, key.TenantId), filter.Gt(id, key.Id)));
        return result;
    }
}
