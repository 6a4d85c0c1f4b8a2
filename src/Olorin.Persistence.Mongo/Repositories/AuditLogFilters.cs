namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// The queries of <see cref="MongoAuditLogRepository"/>. <c>audit_log</c> is a time series whose metaField is
/// <c>metadata</c>, so the tenant is <c>metadata.tenant_id</c>.
/// </summary>
public static class AuditLogFilters
{
    private static FilterDefinitionBuilder<AuditLogEntry> Filter => Builders<AuditLogEntry>.Filter;

    /// <summary>An entry with this id in any tenant: entry_id is unique by application check (no unique index on a time series).</summary>
    public static FilterDefinition<AuditLogEntry> EntryIdTaken(string entryId) => Filter.Eq(e => e.EntryId, entryId);

    public static FilterDefinition<AuditLogEntry> History(string tenantId, string investigationId)
        => Filter.Eq(e => e.Metadata.TenantId, tenantId) & Filter.Eq(e => e.Metadata.InvestigationId, investigationId);

    /// <summary>Newest timestamp first, then entry_id descending.</summary>
    public static SortDefinition<AuditLogEntry> NewestFirst { get; } =
        Builders<AuditLogEntry>.Sort.Descending(e => e.Timestamp).Descending(e => e.EntryId);

    /// <summary>from ≤ timestamp &lt; to, and the query's optional filters.</summary>
    public static FilterDefinition<AuditLogEntry> InRange(string tenantId, DateTime from, DateTime to, AuditLogQuery query)
    {
        var filter = Filter.Eq(e => e.Metadata.TenantId, tenantId) & Filter.Gte(e => e.Timestamp, from) & Filter.Lt(e => e.Timestamp, to);
        if (query.ActionType is { } actionType) filter &= Filter.Eq(e => e.Metadata.ActionType, actionType);
        if (query.UserId is not null) filter &= Filter.Eq(e => e.Metadata.UserId, query.UserId);
        if (query.InvestigationId is not null) filter &= Filter.Eq(e => e.Metadata.InvestigationId, query.InvestigationId);
        return filter;
    }

    public static PipelineDefinition<AuditLogEntry, StatusCount<AuditActionType>> CountByActionType(string tenantId, DateTime from, DateTime to)
        => new EmptyPipelineDefinition<AuditLogEntry>()
            .Match(InRange(tenantId, from, to, new AuditLogQuery()))
            .Group(e => e.Metadata.ActionType, g => new StatusCount<AuditActionType> { Status = g.Key, Count = g.LongCount() });

    /// <summary>Stored and pending entries as one history: each entry_id once, in <see cref="NewestFirst"/> order.</summary>
    public static IEnumerable<AuditLogEntry> MergeNewestFirst(IEnumerable<AuditLogEntry> stored, IEnumerable<AuditLogEntry> pending)
        => stored.Concat(pending)
            .DistinctBy(e => e.EntryId)
            .OrderByDescending(e => e.Timestamp)
            .ThenByDescending(e => e.EntryId, StringComparer.Ordinal);
}
