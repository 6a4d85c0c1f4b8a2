using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Tenancy;
using Olorin.Core.Validation;
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
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "investigation_id")] string? investigationId,
        [FromQuery(Name = "playbook_id")] string? playbookId,
        [FromQuery] string? status,
        RequestIdentity identity,
        ISoarPlaybookExecutionRepository executions,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        FieldRules.WireValue<SoarExecutionStatus>(errors, "status", status);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var result = await executions.ListAsync(identity.TenantId, new SoarExecutionQuery(investigationId, playbookId, ParseStatus(status)), request, cancellationToken);
        return TypedResults.Ok(SoarExecutionListResponse.From(result));
    }

    public static async Task<Results<Ok<SoarExecutionListResponse>, ValidationProblem, ProblemHttpResult>> ListInvestigationExecutions(
        string investigationId,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery] string? status,
        RequestIdentity identity,
        IInvestigationRepository investigations,
        ISoarPlaybookExecutionRepository executions,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        FieldRules.WireValue<SoarExecutionStatus>(errors, "status", status);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        if (await investigations.GetAsync(identity.TenantId, investigationId, cancellationToken) is null)
            return InvestigationProblems.NotFound(investigationId);

        var result = await executions.ListAsync(identity.TenantId, new SoarExecutionQuery(investigationId, Status: ParseStatus(status)), request, cancellationToken);
        return TypedResults.Ok(SoarExecutionListResponse.From(result));
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ProblemHttpResult>> GetExecution(
        string executionId, RequestIdentity identity, ISoarPlaybookExecutionRepository executions, CancellationToken cancellationToken)
        => await executions.GetAsync(identity.TenantId, executionId, cancellationToken) is { } execution
            ? TypedResults.Ok(SoarExecutionResponse.From(execution))
            : SoarProblems.NotFound(executionId);

    public static async Task<Results<Created<SoarExecutionResponse>, ValidationProblem, ProblemHttpResult>> StartExecution(
        StartSoarExecutionRequest request,
        RequestIdentity identity,
        ISoarPlaybookExecutionRepository executions,
        IInvestigationRepository investigations,
        IAnomalyEventRepository anomalies,
        TimeProvider clock,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = SoarRules.ValidateStart(request.ExecutionId, request.PlaybookId, request.InvestigationId, request.AnomalyId);
        ResourceIds.RequireAddressable(errors, "execution_id", request.ExecutionId);
        await References.RequireInTenantAsync(errors, "investigation_id", request.InvestigationId, "Investigation",
            async id => await investigations.GetAsync(identity.TenantId, id, cancellationToken) is not null);
        await References.RequireInTenantAsync(errors, "anomaly_id", request.AnomalyId, "Anomaly",
            async id => await anomalies.GetAsync(identity.TenantId, id, cancellationToken) is not null);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var execution = new SoarPlaybookExecution
        {
            ExecutionId = request.ExecutionId ?? Guid.NewGuid().ToString(),
            PlaybookId = request.PlaybookId!,
            TenantId = identity.TenantId,
            InvestigationId = request.InvestigationId,
            AnomalyId = request.AnomalyId,
            TriggerReason = request.TriggerReason,
            TriggeredBy = request.TriggeredBy,
            Status = SoarExecutionStatus.Running,
            StartedAt = UtcTime.Now(clock),
        };
        return await executions.CreateAsync(execution, cancellationToken) switch
        {
            Outcome<SoarPlaybookExecution>.Ok(var started) => TypedResults.Created(
                ResourceLocation.Child(http.Request, started.ExecutionId),
                SoarExecutionResponse.From(started)),
            Outcome<SoarPlaybookExecution>.Duplicate(var key) => SoarProblems.Duplicate(key, execution.ExecutionId),
            var other => throw ApiProblems.Unexpected(other),
        };
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ValidationProblem, ProblemHttpResult>> AppendAction(
        string executionId,
        AppendSoarActionRequest request,
        RequestIdentity identity,
        ISoarPlaybookExecutionRepository executions,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = SoarRules.ValidateAction(request.ActionId, request.ActionType, request.Status, request.StartedAt, request.CompletedAt);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var action = new SoarActionResult
        {
            ActionId = request.ActionId!,
            ActionType = request.ActionType!,
            Status = request.Status!,
            StartedAt = request.StartedAt is { } startedAt ? UtcTime.Normalize(startedAt) : UtcTime.Now(clock),
            CompletedAt = UtcTime.Normalize(request.CompletedAt),
            Result = request.Result ?? [],
            Error = request.Error,
            UnknownMembers = request.UnknownMembers ?? [],
        };
        var outcome = await executions.AppendActionAsync(identity.TenantId, executionId, action, cancellationToken);
        if (outcome is Outcome<SoarPlaybookExecution>.Ok(var appended)) return TypedResults.Ok(SoarExecutionResponse.From(appended));
        return Problem(executionId, outcome);
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ProblemHttpResult>> CompleteExecution(
        string executionId, RequestIdentity identity, ISoarPlaybookExecutionRepository executions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var outcome = await executions.FinishAsync(
            identity.TenantId, executionId, SoarExecutionStatus.Completed, UtcTime.Now(clock), errorMessage: null, cancellationToken);
        if (outcome is Outcome<SoarPlaybookExecution>.Ok(var completed)) return TypedResults.Ok(SoarExecutionResponse.From(completed));
        return Problem(executionId, outcome);
    }

    public static async Task<Results<Ok<SoarExecutionResponse>, ValidationProblem, ProblemHttpResult>> FailExecution(
        string executionId,
        FailSoarExecutionRequest request,
        RequestIdentity identity,
        ISoarPlaybookExecutionRepository executions,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = SoarRules.ValidateFailure(request.ErrorMessage);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        var outcome = await executions.FinishAsync(
            identity.TenantId, executionId, SoarExecutionStatus.Failed, UtcTime.Now(clock), request.ErrorMessage, cancellationToken);
        if (outcome is Outcome<SoarPlaybookExecution>.Ok(var failed)) return TypedResults.Ok(SoarExecutionResponse.From(failed));
        return Problem(executionId, outcome);
    }

    /// <summary>Why a change to an execution did not happen: it does not exist in the tenant, or it is no longer running.</summary>
    private static ProblemHttpResult Problem(string executionId, Outcome<SoarPlaybookExecution> outcome) => outcome switch
    {
        Outcome<SoarPlaybookExecution>.NotFound => SoarProblems.NotFound(executionId),
        Outcome<SoarPlaybookExecution>.InvalidState(var reason) => SoarProblems.NotRunning(reason),
        var other => throw ApiProblems.Unexpected(other),
    };

    private static SoarExecutionStatus? ParseStatus(string? status) => status is null ? null : WireEnum.Parse<SoarExecutionStatus>(status);
}
