using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

internal sealed class MongoComposioActionAuditRepository(MongoContext context, CapturedWrites capture)
    : MongoTenantTransfer<ComposioActionAudit>(context.ComposioActionAudits, capture, a => a.TenantId, a => a.AuditId), IComposioActionAuditRepository
{
    private IMongoCollection<ComposioActionAudit> Audits => Collection;

    public Task<Outcome<ComposioActionAudit>> CreateAsync(ComposioActionAudit audit, CancellationToken cancellationToken = default)
    {
        audit.ExecutedAt = UtcTime.Normalize(audit.ExecutedAt);
        return Capture.RunAsync(CaptureKeys.ActionAudit(audit.TenantId, audit.AuditId),
            () => MongoErrors.InsertAsync(Audits, audit, "audit_id", cancellationToken), cancellationToken);
    }

    public async Task<ComposioActionAudit?> GetAsync(string tenantId, string auditId, CancellationToken cancellationToken = default)
        => await Audits.Find(ComposioActionAuditFilters.ById(tenantId, auditId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<ComposioActionAudit>> ListAsync(string tenantId, ComposioActionAuditQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Audits, ComposioActionAuditFilters.List(tenantId, query), ComposioActionAuditFilters.ListSort, page, cancellationToken);

    public async Task<IReadOnlyList<ComposioActionAudit>> ListFailedAsync(string tenantId, int? maxRetries, int limit, CancellationToken cancellationToken = default)
        => RowLimit.FetchesNothing(limit) ? [] : await Audits.Find(ComposioActionAuditFilters.Failed(tenantId, maxRetries))
            .Sort(ComposioActionAuditFilters.FailedSort)
            .Limit(limit)
            .ToListAsync(cancellationToken);

    public Task<Outcome<ComposioActionAudit>> RecordRetryAsync(
        string tenantId, string auditId, ComposioActionStatus status, string? errorMessage, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.ActionAudit(tenantId, auditId), async () =>
    {
        var updated = await Audits.FindOneAndUpdateAsync(
            ComposioActionAuditFilters.ById(tenantId, auditId),
            ComposioActionAuditFilters.RecordRetry(status, errorMessage),
            new FindOneAndUpdateOptions<ComposioActionAudit> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return updated is null ? Outcome.NotFound<ComposioActionAudit>() : Outcome.Ok(updated);
    }, cancellationToken);

    public async Task<IReadOnlyList<ToolkitActionStats>> GetToolkitStatsAsync(string tenantId, DateTime? from, DateTime? to, CancellationToken cancellationToken = default)
    {
        var rows = await (await Audits.AggregateAsync(
                ComposioActionAuditFilters.ToolkitStats(tenantId, UtcTime.Normalize(from), UtcTime.Normalize(to)),
                cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        return rows.Select(r => new ToolkitActionStats(r.ToolkitName, r.Total, r.Success, r.Failed, r.Retrying, r.TotalRetries)).ToList();
    }
}
