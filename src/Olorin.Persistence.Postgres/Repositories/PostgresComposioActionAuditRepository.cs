using System.Linq.Expressions;
using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Postgres.Repositories;

public sealed class PostgresComposioActionAuditRepository(OlorinDbContext db) : PostgresTenantTransfer<ComposioActionAudit>(db, x => x.TenantId, x => x.AuditId), IComposioActionAuditRepository
{
    public async Task<Outcome<ComposioActionAudit>> CreateAsync(ComposioActionAudit audit, CancellationToken cancellationToken = default)
    {
        audit.ExecutedAt = UtcTime.Normalize(audit.ExecutedAt);
        Db.ComposioActionAudits.Add(audit);
        return await Db.SaveInsertAsync(audit, "audit_id", cancellationToken);
    }

    public Task<ComposioActionAudit?> GetAsync(string tenantId, string auditId, CancellationToken cancellationToken = default)
        => Db.ComposioActionAudits.AsNoTracking().FirstOrDefaultAsync(ById(tenantId, auditId), cancellationToken);

    public async Task<PagedResult<ComposioActionAudit>> ListAsync(string tenantId, ComposioActionAuditQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var audits = InRange(Db.ComposioActionAudits.AsNoTracking().Where(x => x.TenantId == tenantId), query.From, query.To);
        if (query.ConnectionId is { } connectionId) audits = audits.Where(x => x.ConnectionId == connectionId);
        if (query.ToolkitName is { } toolkit) audits = audits.Where(x => x.ToolkitName == toolkit);
        if (query.Status is { } status) audits = audits.Where(x => x.Status == status);
        if (query.ExecutionId is { } executionId) audits = audits.Where(x => x.ExecutionId == executionId);

        // The total from row_counts unless the time range (or two of the others) filters.
        var counted = query.From is null && query.To is null
            ? RowCountKey.ForFilter("composio_action_audit", tenantId, [
                ("connection_id", query.ConnectionId), ("toolkit_name", query.ToolkitName),
                ("status", query.Status is { } s ? WireEnum.ToWire(s) : null), ("execution_id", query.ExecutionId)])
            : null;
        return await audits.ToPageAsync(q => q.OrderByDescending(x => x.ExecutedAt).ThenBy(x => x.AuditId), page, Db, counted, cancellationToken);
    }

    public async Task<IReadOnlyList<ComposioActionAudit>> ListFailedAsync(string tenantId, int? maxRetries, int limit, CancellationToken cancellationToken = default)
    {
        var failed = Db.ComposioActionAudits.AsNoTracking()
            .Where(x => x.TenantId == tenantId && x.Status == ComposioActionStatus.Failed);
        if (maxRetries is { } max) failed = failed.Where(x => x.RetryCount < max);
        return await failed
            .OrderBy(x => x.ExecutedAt).ThenBy(x => x.AuditId)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    public async Task<Outcome<ComposioActionAudit>> RecordRetryAsync(
        string tenantId, string auditId, ComposioActionStatus status, string? errorMessage, CancellationToken cancellationToken = default)
    {
        var updated = await Db.ComposioActionAudits.Where(ById(tenantId, auditId)).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.RetryCount, x => x.RetryCount + 1)
            .SetProperty(x => x.Status, status)
            .SetProperty(x => x.ErrorMessage, errorMessage), cancellationToken);
        return updated > 0 && await GetAsync(tenantId, auditId, cancellationToken) is { } audit
            ? Outcome.Ok(audit)
            : Outcome.NotFound<ComposioActionAudit>();
    }

    public async Task<IReadOnlyList<ToolkitActionStats>> GetToolkitStatsAsync(string tenantId, DateTime? from, DateTime? to, CancellationToken cancellationToken = default)
    {
        var stats = await InRange(Db.ComposioActionAudits.Where(x => x.TenantId == tenantId), from, to)
            .GroupBy(x => x.ToolkitName)
            .Select(g => new ToolkitActionStats(
                g.Key,
                g.LongCount(),
                g.LongCount(x => x.Status == ComposioActionStatus.Success),
                g.LongCount(x => x.Status == ComposioActionStatus.Failed),
                g.LongCount(x => x.Status == ComposioActionStatus.Retrying),
                g.Sum(x => (long)x.RetryCount)))
            .ToListAsync(cancellationToken);
        // Ordinal order, as on every backend (the column's collation is the database default).
        return stats.OrderBy(s => s.ToolkitName, StringComparer.Ordinal).ToList();
    }

    /// <summary>from ≤ executed_at &lt; to, each bound only when given.</summary>
    private static IQueryable<ComposioActionAudit> InRange(IQueryable<ComposioActionAudit> audits, DateTime? from, DateTime? to)
    {
        if (UtcTime.Normalize(from) is { } start) audits = audits.Where(x => x.ExecutedAt >= start);
        if (UtcTime.Normalize(to) is { } end) audits = audits.Where(x => x.ExecutedAt < end);
        return audits;
    }

    private static Expression<Func<ComposioActionAudit, bool>> ById(string tenantId, string auditId)
        => x => x.TenantId == tenantId && x.AuditId == auditId;
}
