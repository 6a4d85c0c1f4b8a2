using Microsoft.AspNetCore.Mvc;
using Olorin.Server.Apis.Investigations;

namespace Olorin.Server.Apis.Soar;

/// <summary>
/// SOAR playbook runs: started running, actions appended while running, then completed or failed once; either on
/// a run that is no longer running is 409. The server sets started_at and measures duration_ms.
/// </summary>
public static class SoarExecutionsApi
{
    public static IEndpointRouteBuilder MapSoarExecutionsApi(this IEndpointRouteBuilder app)
    {
        var executions = app.MapGroup("/soar/executions").WithTags("SOAR executions");
        executions.MapGet("/", ListExecutions)
            .WithSummary("Lists the tenant's executions, most recently started first.");
        executions.MapPost("/", StartExecution)
            .WithSummary("Starts an execution: status running, started_at now.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        executions.MapGet("/{executionId}", GetExecution)
            .ProducesProblem(StatusCodes.Status404NotFound);
        executions.MapPost("/{executionId}/actions", AppendAction)
            .WithSummary("Appends an action result to a running execution.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        executions.MapPost("/{executionId}/complete", CompleteExecution)
            .WithSummary("Completes a running execution; completed_at and duration_ms are set by the server.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        executions.MapPost("/{executionId}/fail", FailExecution)
            .WithSummary("Fails a running execution with an error message; completed_at and duration_ms are set by the server.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        foreach (var prefix in InvestigationsApi.Prefixes)
            app.MapGet($"{prefix}/{{investigationId}}/soar-executions", ListInvestigationExecutions)
                .WithTags("SOAR executions")
                .WithSummary("Lists an investigation's executions, most recently started first.")
                .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<SoarExecutionListResponse>, ValidationProblem>> ListExecutions(
        [AsParameters] SoarExecutionServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "investigation_id")] string? investigationId,
        [FromQuery(Name = "playbook_id")] string? playbookId,
        [FromQuery] string? status,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (request, statusFilter) = PageAndStatus(errors, page, pageSize, status);
        if (!errors.IsEmpty) return errors.ToProblem();

        var result = await services.Executions.ListAsync(
            services.Identity.TenantId, new SoarExecutionQuery(investigationId, playbookId, statusFilter), request, cancellationToken);
        return TypedResults.Ok(SoarExecutionListResponse.From(result));
    }

    public static async Task<Results<Ok<SoarExecutionListResponse>, ValidationProblem, ProblemHttpResult>> ListInvestigationExecutions(
        string investigationId,
        [AsParameters] SoarExecutionServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery] string? status,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (request, statusFilter) = PageAndStatus(errors, page, pageSize, status);
        if (!errors.IsEmpty) return errors.ToProblem();
        var tenant = services.Identity.TenantId;
        if (await services.Investigations.GetAsync(tenant, investigationId, cancellationToken) is null)
            return InvestigationProblems.NotFound(investigationId);

        var result = await services.Executions.ListAsync(tenant, new SoarExecutionQuery(investigationId, Status: statusFilter), request, cancellationToken);
        return TypedResults.Ok(SoarExecutionListResponse.From(result));
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ProblemHttpResult>> GetExecution(
        string executionId, [AsParameters] SoarExecutionServices services, CancellationToken cancellationToken)
        => await services.Executions.GetAsync(services.Identity.TenantId, executionId, cancellationToken) is { } execution
            ? TypedResults.Ok(SoarExecutionResponse.From(execution))
            : SoarProblems.NotFound(executionId);

    public static async Task<Results<Created<SoarExecutionResponse>, ValidationProblem, ProblemHttpResult>> StartExecution(
        StartSoarExecutionRequest request,
        [AsParameters] SoarExecutionServices services,
        CancellationToken cancellationToken)
    {
        var tenant = services.Identity.TenantId;
        var errors = SoarRules.ValidateStart(request.ExecutionId, request.PlaybookId, request.InvestigationId, request.AnomalyId);
        ResourceIds.RequireAddressable(errors, "execution_id", request.ExecutionId);
        await References.RequireInTenantAsync(errors, "investigation_id", request.InvestigationId, "Investigation",
            async id => await services.Investigations.GetAsync(tenant, id, cancellationToken) is not null);
        await References.RequireInTenantAsync(errors, "anomaly_id", request.AnomalyId, "Anomaly",
            async id => await services.Anomalies.GetAsync(tenant, id, cancellationToken) is not null);
        if (!errors.IsEmpty) return errors.ToProblem();

        var execution = new SoarPlaybookExecution
        {
            ExecutionId = request.ExecutionId ?? Guid.NewGuid().ToString(),
            PlaybookId = request.PlaybookId!,
            TenantId = tenant,
            InvestigationId = request.InvestigationId,
            AnomalyId = request.AnomalyId,
            TriggerReason = request.TriggerReason,
            TriggeredBy = request.TriggeredBy,
            Status = SoarExecutionStatus.Running,
            StartedAt = UtcTime.Now(services.Clock),
        };
        var outcome = await services.Executions.CreateAsync(execution, cancellationToken);
        return outcome is Outcome<SoarPlaybookExecution>.Ok(var started)
            ? TypedResults.Created(ResourceLocation.Child(services.HttpContext.Request, started.ExecutionId), SoarExecutionResponse.From(started))
            : OutcomeProblems.For(outcome, SoarProblems.Resource, execution.ExecutionId);
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ValidationProblem, ProblemHttpResult>> AppendAction(
        string executionId,
        AppendSoarActionRequest request,
        [AsParameters] SoarExecutionServices services,
        CancellationToken cancellationToken)
    {
        var errors = SoarRules.ValidateAction(request.ActionId, request.ActionType, request.Status, request.StartedAt, request.CompletedAt);
        if (!errors.IsEmpty) return errors.ToProblem();

        var action = new SoarActionResult
        {
            ActionId = request.ActionId!,
            ActionType = request.ActionType!,
            Status = request.Status!,
            StartedAt = request.StartedAt is { } startedAt ? UtcTime.Normalize(startedAt) : UtcTime.Now(services.Clock),
            CompletedAt = UtcTime.Normalize(request.CompletedAt),
            Result = request.Result ?? [],
            Error = request.Error,
            UnknownMembers = request.UnknownMembers ?? [],
        };
        return ToResult(await services.Executions.AppendActionAsync(services.Identity.TenantId, executionId, action, cancellationToken), executionId);
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ProblemHttpResult>> CompleteExecution(
        string executionId, [AsParameters] SoarExecutionServices services, CancellationToken cancellationToken)
    {
        var outcome = await services.Executions.FinishAsync(
            services.Identity.TenantId, executionId, SoarExecutionStatus.Completed, UtcTime.Now(services.Clock), errorMessage: null, cancellationToken);
        return outcome is Outcome<SoarPlaybookExecution>.Ok(var completed)
            ? TypedResults.Ok(SoarExecutionResponse.From(completed))
            : OutcomeProblems.For(outcome, SoarProblems.Resource, executionId);
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ValidationProblem, ProblemHttpResult>> FailExecution(
        string executionId,
        FailSoarExecutionRequest request,
        [AsParameters] SoarExecutionServices services,
        CancellationToken cancellationToken)
    {
        var errors = SoarRules.ValidateFailure(request.ErrorMessage);
        if (!errors.IsEmpty) return errors.ToProblem();
        var outcome = await services.Executions.FinishAsync(
            services.Identity.TenantId, executionId, SoarExecutionStatus.Failed, UtcTime.Now(services.Clock), request.ErrorMessage, cancellationToken);
        return ToResult(outcome, executionId);
    }

    private static (PageRequest Page, SoarExecutionStatus? Status) PageAndStatus(ValidationErrors errors, int? page, int? pageSize, string? status)
        => (QueryValues.Page(errors, page, pageSize), QueryValues.WireEnumValue<SoarExecutionStatus>(errors, "status", status));

    private static Results<Ok<SoarExecutionResponse>, ValidationProblem, ProblemHttpResult> ToResult(Outcome<SoarPlaybookExecution> outcome, string executionId)
        => outcome is Outcome<SoarPlaybookExecution>.Ok(var execution)
            ? TypedResults.Ok(SoarExecutionResponse.From(execution))
            : OutcomeProblems.For(outcome, SoarProblems.Resource, executionId);
}
