namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoComposioActionAuditRepository"/>, tenant first.</summary>
public static class ComposioActionAuditFilters
{
    private static FilterDefinitionBuilder<ComposioActionAudit> Filter => Builders<ComposioActionAudit>.Filter;

    public static FilterDefinition<ComposioActionAudit> ById(string tenantId, string auditId)
        => Filter.Eq(a => a.TenantId, tenantId) & Filter.Eq(a => a.AuditId, auditId);

    public static FilterDefinition<ComposioActionAudit> List(string tenantId, ComposioActionAuditQuery query)
    {
        var filter = ExecutedBetween(tenantId, query.From, query.To);
        if (query.ConnectionId is not null) filter &= Filter.Eq(a => a.ConnectionId, query.ConnectionId);
        if (query.ToolkitName is not null) filter &= Filter.Eq(a => a.ToolkitName, query.ToolkitName);
        if (query.Status is { } status) filter &= Filter.Eq(a => a.Status, status);
        if (query.ExecutionId is not null) filter &= Filter.Eq(a => a.ExecutionId, query.ExecutionId);
        return filter;
    }

    /// <summary>Newest executed_at first, then audit_id.</summary>
    public static SortDefinition<ComposioActionAudit> ListSort { get; } =
        Builders<ComposioActionAudit>.Sort.Descending(a => a.ExecutedAt).Ascending(a => a.AuditId);

    /// <summary>Failed actions with fewer than <paramref name="maxRetries"/> retries (all failed when null).</summary>
    public static FilterDefinition<ComposioActionAudit> Failed(string tenantId, int? maxRetries)
    {
        var filter = Filter.Eq(a => a.TenantId, tenantId) & Filter.Eq(a => a.Status, ComposioActionStatus.Failed);
        if (maxRetries is { } max) filter &= Filter.Lt(a => a.RetryCount, max);
        return filter;
    }

    /// <summary>Oldest executed_at first, then audit_id.</summary>
    public static SortDefinition<ComposioActionAudit> FailedSort { get; } =
        Builders<ComposioActionAudit>.Sort.Ascending(a => a.ExecutedAt).Ascending(a => a.AuditId);

    public static UpdateDefinition<ComposioActionAudit> RecordRetry(ComposioActionStatus status, string? errorMessage)
        => Builders<ComposioActionAudit>.Update
            .Inc(a => a.RetryCount, 1)
            .Set(a => a.Status, status)
            .Set(a => a.ErrorMessage, errorMessage);

    /// <summary>Per toolkit_name (ascending): totals per status and the sum of retries.</summary>
    public static PipelineDefinition<ComposioActionAudit, ToolkitStatsRow> ToolkitStats(string tenantId, DateTime? from, DateTime? to)
        => new EmptyPipelineDefinition<ComposioActionAudit>()
            .Match(ExecutedBetween(tenantId, from, to))
            .Group(a => a.ToolkitName, g => new ToolkitStatsRow
            {
                ToolkitName = g.Key,
                Total = g.LongCount(),
                Success = g.LongCount(a => a.Status == ComposioActionStatus.Success),
                Failed = g.LongCount(a => a.Status == ComposioActionStatus.Failed),
                Retrying = g.LongCount(a => a.Status == ComposioActionStatus.Retrying),
                TotalRetries = g.Sum(a => (long)a.RetryCount),
            })
            .Sort(Builders<ToolkitStatsRow>.Sort.Ascending(r => r.ToolkitName));

    private static FilterDefinition<ComposioActionAudit> ExecutedBetween(string tenantId, DateTime? from, DateTime? to)
    {
        var filter = Filter.Eq(a => a.TenantId, tenantId);
        if (from is { } f) filter &= Filter.Gte(a => a.ExecutedAt, f);
        if (to is { } t) filter &= Filter.Lt(a => a.ExecutedAt, t);
        return filter;
    }
}

/// <summary>One row of <see cref="ComposioActionAuditFilters.ToolkitStats"/>.</summary>
public sealed class ToolkitStatsRow
{
    public string ToolkitName { get; set; } = "";
    public long Total { get; set; }
    public long Success { get; set; }
    public long Failed { get; set; }
    public long Retrying { get; set; }
    public long TotalRetries { get; set; }
}
