namespace Olorin.Core.Ports;

public interface ISoarPlaybookExecutionRepository : IBulkTransferPort<SoarPlaybookExecution, TenantKey>
{
    /// <summary>Stores a new execution (normally status running). Duplicate id → <c>Duplicate("execution_id")</c>.</summary>
    Task<Outcome<SoarPlaybookExecution>> CreateAsync(SoarPlaybookExecution execution, CancellationToken cancellationToken = default);

    Task<SoarPlaybookExecution?> GetAsync(string tenantId, string executionId, CancellationToken cancellationToken = default);

    /// <summary>Newest started_at first (then execution_id).</summary>
    Task<PagedResult<SoarPlaybookExecution>> ListAsync(string tenantId, SoarExecutionQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Appends to actions_executed atomically; only while running, else <c>InvalidState</c>.</summary>
    Task<Outcome<SoarPlaybookExecution>> AppendActionAsync(string tenantId, string executionId, SoarActionResult action, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a running execution with completed, failed or cancelled: completed_at, duration_ms = completed_at −
    /// started_at (never negative), error_message. Not running → <c>InvalidState</c>.
    /// </summary>
    Task<Outcome<SoarPlaybookExecution>> FinishAsync(string tenantId, string executionId, SoarExecutionStatus finalStatus, DateTime completedAt, string? errorMessage, CancellationToken cancellationToken = default);
}

public sealed record SoarExecutionQuery(string? InvestigationId = null, string? PlaybookId = null, SoarExecutionStatus? Status = null);
