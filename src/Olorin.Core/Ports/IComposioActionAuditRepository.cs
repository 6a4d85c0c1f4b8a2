namespace Olorin.Core.Ports;

public interface IComposioActionAuditRepository : IBulkTransferPort<ComposioActionAudit, TenantKey>
{
    /// <summary>Duplicate id → <c>Duplicate("audit_id")</c>.</summary>
    Task<Outcome<ComposioActionAudit>> CreateAsync(ComposioActionAudit audit, CancellationToken cancellationToken = default);

    Task<ComposioActionAudit?> GetAsync(string tenantId, string auditId, CancellationToken cancellationToken = default);

    /// <summary>Newest executed_at first (then audit_id); <c>From</c> ≤ executed_at &lt; <c>To</c>.</summary>
    Task<PagedResult<ComposioActionAudit>> ListAsync(string tenantId, ComposioActionAuditQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Failed actions with retry_count &lt; <paramref name="maxRetries"/> (all failed when null), oldest first.</summary>
    Task<IReadOnlyList<ComposioActionAudit>> ListFailedAsync(string tenantId, int? maxRetries, int limit, CancellationToken cancellationToken = default);

    /// <summary>Atomically increments retry_count and sets the new status and error message.</summary>
    Task<Outcome<ComposioActionAudit>> RecordRetryAsync(string tenantId, string auditId, ComposioActionStatus status, string? errorMessage, CancellationToken cancellationToken = default);

    /// <summary>Per toolkit_name, ordered by toolkit_name; <c>From</c> ≤ executed_at &lt; <c>To</c> when given.</summary>
    Task<IReadOnlyList<ToolkitActionStats>> GetToolkitStatsAsync(string tenantId, DateTime? from, DateTime? to, CancellationToken cancellationToken = default);
}

public sealed record ComposioActionAuditQuery(
    string? ConnectionId = null,
    string? ToolkitName = null,
    ComposioActionStatus? Status = null,
    string? ExecutionId = null,
    DateTime? From = null,
    DateTime? To = null);

public sealed record ToolkitActionStats(string ToolkitName, long Total, long Success, long Failed, long Retrying, long TotalRetries)
{
    public double SuccessRate => Total == 0 ? 0 : (double)Success / Total;
}
