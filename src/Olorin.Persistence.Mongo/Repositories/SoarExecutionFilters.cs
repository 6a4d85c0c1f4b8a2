namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoSoarPlaybookExecutionRepository"/>, tenant first.</summary>
public static class SoarExecutionFilters
{
    private static FilterDefinitionBuilder<SoarPlaybookExecution> Filter => Builders<SoarPlaybookExecution>.Filter;
    private static UpdateDefinitionBuilder<SoarPlaybookExecution> Update => Builders<SoarPlaybookExecution>.Update;

    public static FilterDefinition<SoarPlaybookExecution> ById(string tenantId, string executionId)
        => Filter.Eq(e => e.TenantId, tenantId) & Filter.Eq(e => e.ExecutionId, executionId);

    /// <summary>The execution, only while it is running: the guard of every change to a live execution.</summary>
    public static FilterDefinition<SoarPlaybookExecution> Running(string tenantId, string executionId)
        => ById(tenantId, executionId) & Filter.Eq(e => e.Status, SoarExecutionStatus.Running);

    public static FilterDefinition<SoarPlaybookExecution> List(string tenantId, SoarExecutionQuery query)
    {
        var filter = Filter.Eq(e => e.TenantId, tenantId);
        if (query.InvestigationId is not null) filter &= Filter.Eq(e => e.InvestigationId, query.InvestigationId);
        if (query.PlaybookId is not null) filter &= Filter.Eq(e => e.PlaybookId, query.PlaybookId);
        if (query.Status is { } status) filter &= Filter.Eq(e => e.Status, status);
        return filter;
    }

    /// <summary>Newest started_at first, then execution_id.</summary>
    public static SortDefinition<SoarPlaybookExecution> ListSort { get; } =
        Builders<SoarPlaybookExecution>.Sort.Descending(e => e.StartedAt).Ascending(e => e.ExecutionId);

    public static UpdateDefinition<SoarPlaybookExecution> AppendAction(SoarActionResult action) => Update.Push(e => e.ActionsExecuted, action);

    public static UpdateDefinition<SoarPlaybookExecution> Finish(SoarExecutionStatus finalStatus, DateTime completedAt, long durationMs, string? errorMessage)
        => Update
            .Set(e => e.Status, finalStatus)
            .Set(e => e.CompletedAt, completedAt)
            .Set(e => e.DurationMs, durationMs)
            .Set(e => e.ErrorMessage, errorMessage);
}
