namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoTransactionScoreRepository"/>, tenant first.</summary>
public static class TransactionScoreFilters
{
    private static FilterDefinitionBuilder<TransactionScore> Filter => Builders<TransactionScore>.Filter;

    public static FilterDefinition<TransactionScore> ByKey(string tenantId, string investigationId, string transactionId)
        => ByInvestigation(tenantId, investigationId) & Filter.Eq(s => s.TransactionId, transactionId);

    public static FilterDefinition<TransactionScore> ByInvestigation(string tenantId, string investigationId, double? minRisk = null)
    {
        var filter = Filter.Eq(s => s.TenantId, tenantId) & Filter.Eq(s => s.InvestigationId, investigationId);
        if (minRisk is { } min) filter &= Filter.Gte(s => s.RiskScore, min);
        return filter;
    }

    /// <summary>Highest risk first, then transaction_id.</summary>
    public static SortDefinition<TransactionScore> ListSort { get; } =
        Builders<TransactionScore>.Sort.Descending(s => s.RiskScore).Ascending(s => s.TransactionId);

    /// <summary>
    /// Count per bucket index <c>floor(risk_score × buckets)</c>, or the last index for a score of 1 or more:
    /// equal-width buckets over [0, 1] with the last one closed. Empty buckets are absent (the caller fills them in).
    /// </summary>
    public static PipelineDefinition<TransactionScore, BucketCount> Distribution(string tenantId, string investigationId, int buckets)
        => new EmptyPipelineDefinition<TransactionScore>()
            .Match(ByInvestigation(tenantId, investigationId))
            .Group(s => s.RiskScore >= 1 ? buckets - 1 : Math.Floor(s.RiskScore * buckets), g => new BucketCount { Bucket = g.Key, Count = g.LongCount() });

    /// <summary>
    /// Keys strictly after <paramref name="after"/> in (tenant_id, investigation_id, transaction_id) order; every score
    /// for the default key (the port's "no key"). Spans tenants.
    /// </summary>
    public static FilterDefinition<TransactionScore> After(TransactionScoreKey after)
        => after is not { TenantId: not null } key
            ? Filter.Empty
            : Filter.Gt(s => s.TenantId, key.TenantId)
              | (Filter.Eq(s => s.TenantId, key.TenantId) & Filter.Gt(s => s.InvestigationId, key.InvestigationId))
              | (Filter.Eq(s => s.TenantId, key.TenantId) & Filter.Eq(s => s.InvestigationId, key.InvestigationId) & Filter.Gt(s => s.TransactionId, key.TransactionId));

    public static SortDefinition<TransactionScore> KeyOrder { get; } =
        Builders<TransactionScore>.Sort.Ascending(s => s.TenantId).Ascending(s => s.InvestigationId).Ascending(s => s.TransactionId);

    /// <summary>What a batched delete reads before it deletes (<see cref="ScoreDeletion"/>): the document's <c>_id</c> and the transaction id of its key.</summary>
    public static ProjectionDefinition<TransactionScore, BsonDocument> DeletionKeys { get; } =
        Builders<TransactionScore>.Projection.Include("_id").Include(s => s.TransactionId);

    /// <summary>
    /// Exactly the documents a batched delete read (<see cref="ScoreDeletion"/>): by <c>_id</c>, within the investigation,
    /// so that the investigation's index serves the delete where <c>_id</c> has none (a time series has no <c>_id</c>
    /// index: https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/).
    /// </summary>
    public static FilterDefinition<TransactionScore> Documents(string tenantId, string investigationId, IEnumerable<BsonValue> ids)
        => ByInvestigation(tenantId, investigationId) & Filter.In("_id", ids);

    /// <summary>The stored score with this key (tenant, investigation, transaction); for verbatim upserts.</summary>
    public static FilterDefinition<TransactionScore> Key(TransactionScoreKey key)
        => Filter.Eq(s => s.TenantId, key.TenantId) & Filter.Eq(s => s.InvestigationId, key.InvestigationId) & Filter.Eq(s => s.TransactionId, key.TransactionId);
}

/// <summary>One row of <see cref="TransactionScoreFilters.Distribution"/>.</summary>
public sealed class BucketCount
{
    public double Bucket { get; set; }
    public long Count { get; set; }
}
