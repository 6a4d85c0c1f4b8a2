using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

internal sealed class MongoSoarPlaybookExecutionRepository(MongoContext context, CapturedWrites capture)
    : MongoTenantTransfer<SoarPlaybookExecution>(context.SoarPlaybookExecutions, capture, e => e.TenantId, e => e.ExecutionId), ISoarPlaybookExecutionRepository
{
    private static readonly FindOneAndUpdateOptions<SoarPlaybookExecution> ReturnAfter = new() { ReturnDocument = ReturnDocument.After };

    private IMongoCollection<SoarPlaybookExecution> Executions => Collection;

    public async Task<Outcome<SoarPlaybookExecution>> CreateAsync(SoarPlaybookExecution execution, CancellationToken cancellationToken = default)
    {
        execution.StartedAt = UtcTime.Normalize(execution.StartedAt);
        execution.CompletedAt = UtcTime.Normalize(execution.CompletedAt);
        foreach (var action in execution.ActionsExecuted) Normalize(action);
        return await Capture.RunAsync(CaptureKeys.SoarExecution(execution.TenantId, execution.ExecutionId),
            () => MongoErrors.InsertAsync(Executions, execution, "execution_id", cancellationToken), cancellationToken);
    }

    public async Task<SoarPlaybookExecution?> GetAsync(string tenantId, string executionId, CancellationToken cancellationToken = default)
        => await Executions.Find(SoarExecutionFilters.ById(tenantId, executionId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<SoarPlaybookExecution>> ListAsync(string tenantId, SoarExecutionQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Executions, SoarExecutionFilters.List(tenantId, query), SoarExecutionFilters.ListSort, page, cancellationToken);

    public Task<Outcome<SoarPlaybookExecution>> AppendActionAsync(string tenantId, string executionId, SoarActionResult action, CancellationToken cancellationToken = default)
    {
        Normalize(action);
        return Capture.RunAsync(CaptureKeys.SoarExecution(tenantId, executionId), async () =>
        {
            var updated = await Executions.FindOneAndUpdateAsync(
                SoarExecutionFilters.Running(tenantId, executionId), SoarExecutionFilters.AppendAction(action), ReturnAfter, cancellationToken);
            return updated is not null ? Outcome.Ok(updated) : await WhyNotRunningAsync(tenantId, executionId, SoarExecutionTransitions.AppendOperation, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Reads started_at, then finishes with an update guarded on status running: of two concurrent finishes exactly
    /// one matches, and the loser sees <c>InvalidState</c>. started_at never changes, so the duration computed from
    /// the read copy is the stored one's.
    /// </summary>
    public Task<Outcome<SoarPlaybookExecution>> FinishAsync(
        string tenantId, string executionId, SoarExecutionStatus finalStatus, DateTime completedAt, string? errorMessage,
        CancellationToken cancellationToken = default)
    {
        if (finalStatus == SoarExecutionStatus.Running)
            throw new ArgumentException("A playbook execution finishes as completed, failed or cancelled.", nameof(finalStatus));
        return Capture.RunAsync(CaptureKeys.SoarExecution(tenantId, executionId),
            () => FinishUncapturedAsync(tenantId, executionId, finalStatus, completedAt, errorMessage, cancellationToken), cancellationToken);
    }

    private async Task<Outcome<SoarPlaybookExecution>> FinishUncapturedAsync(
        string tenantId, string executionId, SoarExecutionStatus finalStatus, DateTime completedAt, string? errorMessage, CancellationToken cancellationToken)
    {

        var current = await GetAsync(tenantId, executionId, cancellationToken);
        if (current is null) return Outcome.NotFound<SoarPlaybookExecution>();
        if (current.Status != SoarExecutionTransitions.AllowedFrom) return NotRunning(current, SoarExecutionTransitions.FinishOperation);

        var completed = UtcTime.Normalize(completedAt);
        var durationMs = Math.Max(0L, (long)(completed - current.StartedAt).TotalMilliseconds);
        var updated = await Executions.FindOneAndUpdateAsync(
            SoarExecutionFilters.Running(tenantId, executionId),
            SoarExecutionFilters.Finish(finalStatus, completed, durationMs, errorMessage),
            ReturnAfter, cancellationToken);
        return updated is not null ? Outcome.Ok(updated) : await WhyNotRunningAsync(tenantId, executionId, SoarExecutionTransitions.FinishOperation, cancellationToken);
    }

    private async Task<Outcome<SoarPlaybookExecution>> WhyNotRunningAsync(string tenantId, string executionId, string operation, CancellationToken cancellationToken)
    {
        var current = await GetAsync(tenantId, executionId, cancellationToken);
        return current is null ? Outcome.NotFound<SoarPlaybookExecution>() : NotRunning(current, operation);
    }

    private static Outcome<SoarPlaybookExecution> NotRunning(SoarPlaybookExecution execution, string operation)
        => Outcome.InvalidState<SoarPlaybookExecution>(SoarExecutionTransitions.Refusal(execution.ExecutionId, execution.Status, operation));

    private static void Normalize(SoarActionResult action)
    {
        action.StartedAt = UtcTime.Normalize(action.StartedAt);
        action.CompletedAt = UtcTime.Normalize(action.CompletedAt);
    }
}
