using Microsoft.AspNetCore.Mvc;
using Olorin.Server.Caching;

namespace Olorin.Server.Apis.Composio;

/// <summary>The record of each Composio action execution: its parameters, result, status and retries.</summary>
public static class ComposioActionAuditsApi
{
    public static IEndpointRouteBuilder MapComposioActionAuditsApi(this IEndpointRouteBuilder app)
    {
        var audits = app.MapGroup("/composio/action-audits").WithTags("Composio action audits").InvalidatesStats(StatsSource.ComposioActionAudits);
        audits.MapGet("/", ListActionAudits)
            .WithSummary("Lists the tenant's action audits, newest first; from ≤ executed_at < to.");
        audits.MapPost("/", CreateActionAudit)
            .ProducesProblem(StatusCodes.Status409Conflict);
        audits.MapGet("/failed", ListFailedActions)
            .WithSummary("Failed actions retried fewer than max_retries times, oldest first.");
        audits.MapGet("/stats", GetToolkitStats)
            .WithSummary("Per toolkit: total, success, failed, retrying, success_rate; from ≤ executed_at < to.");
        audits.MapGet("/{auditId}", GetActionAudit)
            .ProducesProblem(StatusCodes.Status404NotFound);
        audits.MapPost("/{auditId}/retry", RecordRetry)
            .WithSummary("Records another attempt: retry_count + 1, with its status and error message.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<ComposioActionAuditListResponse>, ValidationProblem>> ListActionAudits(
        [AsParameters] ComposioServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "connection_id")] string? connectionId,
        [FromQuery(Name = "toolkit_name")] string? toolkitName,
        [FromQuery] string? status,
        [FromQuery(Name = "execution_id")] string? executionId,
        [FromQuery] DateTimeOffset? from,
        [FromQuery] DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        var statusFilter = QueryValues.WireEnumValue<ComposioActionStatus>(errors, "status", status);
        ComposioRules.TimeWindow(errors, Utc(from), Utc(to));
        if (!errors.IsEmpty) return errors.ToProblem();

        var query = new ComposioActionAuditQuery(connectionId, toolkitName, statusFilter, executionId, Utc(from), Utc(to));
        var result = await services.Audits.ListAsync(services.Identity.TenantId, query, request, cancellationToken);
        return TypedResults.Ok(ComposioActionAuditListResponse.From(result));
    }

    /// <param name="maxRetries">Only actions retried fewer times than this; every failed action when absent.</param>
    /// <param name="limit">At most this many (default 100, at most 1000).</param>
    public static async Task<Results<Ok<FailedComposioActionsResponse>, ValidationProblem>> ListFailedActions(
        [AsParameters] ComposioServices services,
        [FromQuery(Name = "max_retries")] int? maxRetries,
        [FromQuery] int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        FieldRules.Range(errors, "max_retries", maxRetries, 0, int.MaxValue);
        FieldRules.Range(errors, "limit", limit, 1, ComposioRules.MaxFailedLimit);
        if (!errors.IsEmpty) return errors.ToProblem();

        var failed = await services.Audits.ListFailedAsync(services.Identity.TenantId, maxRetries, limit ?? ComposioRules.DefaultFailedLimit, cancellationToken);
        return TypedResults.Ok(new FailedComposioActionsResponse(failed.Select(ComposioActionAuditResponse.From).ToList()));
    }

    public static async Task<Results<Ok<ComposioActionStatsResponse>, ValidationProblem>> GetToolkitStats(
        [AsParameters] ComposioServices services,
        StatsCache cache,
        [FromQuery] DateTimeOffset? from,
        [FromQuery] DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ComposioRules.TimeWindow(errors, Utc(from), Utc(to));
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var response = await cache.GetOrComputeAsync(
            StatsSource.ComposioActionAudits, tenant, $"toolkit-stats|{Utc(from):O}|{Utc(to):O}",
            async token => new ComposioActionStatsResponse(Utc(from), Utc(to),
                (await services.Audits.GetToolkitStatsAsync(tenant, Utc(from), Utc(to), token)).Select(ToolkitActionStatsResponse.From).ToList()),
            cancellationToken);
        return TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<ComposioActionAuditResponse>, ProblemHttpResult>> GetActionAudit(
        string auditId, [AsParameters] ComposioServices services, CancellationToken cancellationToken)
        => await services.Audits.GetAsync(services.Identity.TenantId, auditId, cancellationToken) is { } audit
            ? TypedResults.Ok(ComposioActionAuditResponse.From(audit))
            : ComposioProblems.ActionAuditNotFound(auditId);

    public static async Task<Results<Created<ComposioActionAuditResponse>, ValidationProblem, ProblemHttpResult>> CreateActionAudit(
        CreateComposioActionAuditRequest request,
        [AsParameters] ComposioServices services,
        CancellationToken cancellationToken)
    {
        var tenant = services.Identity.TenantId;
        var errors = ComposioRules.ValidateActionAudit(
            request.AuditId, request.ActionId, request.ToolkitName, request.ActionName, request.ConnectionId, request.ExecutionId,
            request.Status, request.RetryCount);
        ResourceIds.RequireAddressable(errors, "audit_id", request.AuditId, "failed", "stats");
        await References.RequireInTenantAsync(errors, "connection_id", request.ConnectionId, "Connection",
            async id => await services.Connections.GetAsync(tenant, id, cancellationToken) is not null);
        if (!errors.IsEmpty) return errors.ToProblem();

        var audit = new ComposioActionAudit
        {
            AuditId = request.AuditId ?? Guid.NewGuid().ToString(),
            ActionId = request.ActionId!,
            ToolkitName = request.ToolkitName!,
            ActionName = request.ActionName!,
            TenantId = tenant,
            ConnectionId = request.ConnectionId!,
            ExecutionId = request.ExecutionId,
            Parameters = request.Parameters ?? [],
            Result = request.Result ?? [],
            Status = WireEnum.Parse<ComposioActionStatus>(request.Status!),
            ExecutedAt = request.ExecutedAt is { } executedAt ? UtcTime.Normalize(executedAt) : UtcTime.Now(services.Clock),
            RetryCount = request.RetryCount ?? 0,
            ErrorMessage = request.ErrorMessage,
        };
        var outcome = await services.Audits.CreateAsync(audit, cancellationToken);
        return outcome is Outcome<ComposioActionAudit>.Ok(var created)
            ? TypedResults.Created(ResourceLocation.Child(services.HttpContext.Request, created.AuditId), ComposioActionAuditResponse.From(created))
            : OutcomeProblems.For(outcome, ComposioProblems.ActionAudit, audit.AuditId);
    }

    public static async Task<Results<Ok<ComposioActionAuditResponse>, ValidationProblem, ProblemHttpResult>> RecordRetry(
        string auditId,
        RetryComposioActionRequest request,
        [AsParameters] ComposioServices services,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        FieldRules.RequiredWireValue<ComposioActionStatus>(errors, "status", request.Status);
        if (!errors.IsEmpty) return errors.ToProblem();

        var status = WireEnum.Parse<ComposioActionStatus>(request.Status!);
        var outcome = await services.Audits.RecordRetryAsync(services.Identity.TenantId, auditId, status, request.ErrorMessage, cancellationToken);
        return outcome is Outcome<ComposioActionAudit>.Ok(var retried)
            ? TypedResults.Ok(ComposioActionAuditResponse.From(retried))
            : OutcomeProblems.For(outcome, ComposioProblems.ActionAudit, auditId);
    }

    private static DateTime? Utc(DateTimeOffset? value) => value is { } v ? UtcTime.Normalize(v.UtcDateTime) : null;
}
