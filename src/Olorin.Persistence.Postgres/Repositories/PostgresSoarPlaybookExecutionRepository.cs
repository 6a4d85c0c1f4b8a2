using System.Linq.Expressions;
using System.Text.Json;
using Olorin.Persistence.Postgres.Counting;
using Olorin.Core.Transitions;

namespace Olorin.Persistence.Postgres.Repositories;

public sealed class PostgresSoarPlaybookExecutionRepository(OlorinDbContext db) : PostgresTenantTransfer<SoarPlaybookExecution>(db, x => x.TenantId, x => x.ExecutionId), ISoarPlaybookExecutionRepository
{
    private static readonly string Running = WireEnum.ToWire(SoarExecutionTransitions.AllowedFrom);

    public async Task<Outcome<SoarPlaybookExecution>> CreateAsync(SoarPlaybookExecution execution, CancellationToken cancellationToken = default)
    {
        execution.StartedAt = UtcTime.Normalize(execution.StartedAt);
        execution.CompletedAt = UtcTime.Normalize(execution.CompletedAt);
        execution.ActionsExecuted = execution.ActionsExecuted.Select(Normalized).ToList();

        Db.SoarPlaybookExecutions.Add(execution);
        return await Db.SaveInsertAsync(execution, "execution_id", cancellationToken);
    }

    public Task<SoarPlaybookExecution?> GetAsync(string tenantId, string executionId, CancellationToken cancellationToken = default)
        => Db.SoarPlaybookExecutions.AsNoTracking().FirstOrDefaultAsync(ById(tenantId, executionId), cancellationToken);

    public async Task<PagedResult<SoarPlaybookExecution>> ListAsync(string tenantId, SoarExecutionQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var executions = Db.SoarPlaybookExecutions.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.InvestigationId is { } investigationId) executions = executions.Where(x => x.InvestigationId == investigationId);
        if (query.PlaybookId is { } playbookId) executions = executions.Where(x => x.PlaybookId == playbookId);
        if (query.Status is { } status) executions = executions.Where(x => x.Status == status);

        var counted = RowCountKey.ForFilter("soar_playbook_executions", tenantId, [
            ("investigation_id", query.InvestigationId), ("playbook_id", query.PlaybookId),
            ("status", query.Status is { } s ? WireEnum.ToWire(s) : null)]);
        return await executions.ToPageAsync(q => q.OrderByDescending(x => x.StartedAt).ThenBy(x => x.ExecutionId), page, Db, counted, cancellationToken);
    }

    public async Task<Outcome<SoarPlaybookExecution>> AppendActionAsync(string tenantId, string executionId, SoarActionResult action, CancellationToken cancellationToken = default)
    {
        // Same serializer as the column's converter, so the appended item has the shape of the others.
        var item = JsonSerializer.Serialize(Normalized(action), OlorinJson.Options);
        var updated = await Db.Database.ExecuteSqlAsync($"""
            UPDATE soar_playbook_executions
            SET actions_executed = actions_executed || jsonb_build_array({item}::jsonb)
            WHERE tenant_id = {tenantId} AND execution_id = {executionId} AND status = {Running}
            """, cancellationToken);
        return await ReadAfterRunningOnlyUpdateAsync(updated, tenantId, executionId, SoarExecutionTransitions.AppendOperation, cancellationToken);
    }

    public async Task<Outcome<SoarPlaybookExecution>> FinishAsync(
        string tenantId, string executionId, SoarExecutionStatus finalStatus, DateTime completedAt, string? errorMessage,
        CancellationToken cancellationToken = default)
    {
        if (finalStatus == SoarExecutionStatus.Running)
            throw new ArgumentException("A playbook execution finishes as completed, failed or cancelled.", nameof(finalStatus));

        var status = WireEnum.ToWire(finalStatus);
        var completed = UtcTime.Normalize(completedAt);
        var updated = await Db.Database.ExecuteSqlAsync($"""
            UPDATE soar_playbook_executions
            SET status = {status},
                completed_at = {completed},
                duration_ms = GREATEST(0, (EXTRACT(EPOCH FROM ({completed} - started_at)) * 1000)::bigint),
                error_message = {errorMessage}
            WHERE tenant_id = {tenantId} AND execution_id = {executionId} AND status = {Running}
            """, cancellationToken);
        return await ReadAfterRunningOnlyUpdateAsync(updated, tenantId, executionId, SoarExecutionTransitions.FinishOperation, cancellationToken);
    }

    /// <summary>After an update guarded by status = running: the row, or why nothing was updated.</summary>
    private async Task<Outcome<SoarPlaybookExecution>> ReadAfterRunningOnlyUpdateAsync(
        int updated, string tenantId, string executionId, string operation, CancellationToken cancellationToken)
    {
        var execution = await GetAsync(tenantId, executionId, cancellationToken);
        if (execution is null) return Outcome.NotFound<SoarPlaybookExecution>();
        return updated > 0
            ? Outcome.Ok(execution)
            : Outcome.InvalidState<SoarPlaybookExecution>(SoarExecutionTransitions.Refusal(executionId, execution.Status, operation));
    }

    private static SoarActionResult Normalized(SoarActionResult action) => new()
    {
        ActionId = action.ActionId,
        ActionType = action.ActionType,
        Status = action.Status,
        StartedAt = UtcTime.Normalize(action.StartedAt),
        CompletedAt = UtcTime.Normalize(action.CompletedAt),
        Result = action.Result,
        Error = action.Error,
        UnknownMembers = action.UnknownMembers,
    };

    private static Expression<Func<SoarPlaybookExecution, bool>> ById(string tenantId, string executionId)
        => x => x.TenantId == tenantId && x.ExecutionId == executionId;
}
