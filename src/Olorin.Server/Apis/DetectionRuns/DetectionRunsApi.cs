using Microsoft.AspNetCore.Mvc;
using Olorin.Server.Caching;

namespace Olorin.Server.Apis.DetectionRuns;

/// <summary>
/// The detection-run resource at <c>/detection-runs</c>: a time series of detector executions. Runs are never
/// deleted; they move queued → running → success | failed.
/// </summary>
public static class DetectionRunsApi
{
    public static IEndpointRouteBuilder MapDetectionRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/detection-runs").WithTags("Detection runs").InvalidatesStats(StatsSource.DetectionRuns);
        api.MapGet("/", ListRuns)
            .WithSummary("Lists the tenant's runs, newest started_at first; filter by `detector_id`, `status` and `from` ≤ started_at < `to`.");
        api.MapPost("/", CreateRun)
            .WithSummary("Records a new run of one of the tenant's detectors.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/stats", GetStats)
            .WithSummary("Counts per status and duration percentiles (p50/p95/p99, nearest rank) and average of runs with `from` ≤ started_at < `to`.");
        api.MapGet("/{runId}", GetRun)
            .WithSummary("Gets a run.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/{runId}/status", UpdateStatus)
            .WithSummary("Starts a queued run or records progress info on a running one.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{runId}/complete", CompleteRun)
            .WithSummary("Finishes a run with success or failed; finished_at and duration_ms are set by the server.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Ok<DetectionRunListResponse>, ValidationProblem>> ListRuns(
        [AsParameters] DetectionRunServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "detector_id")] string? detectorId,
        [FromQuery] string? status,
        [FromQuery] string? from,
        [FromQuery] string? to,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        var statusFilter = QueryValues.WireEnumValue<DetectionRunStatus>(errors, "status", status);
        var query = TimeRangeQuery(errors, detectorId, from, to) with { Status = statusFilter };
        if (!errors.IsEmpty) return errors.ToProblem();

        var result = await services.Runs.ListAsync(services.Identity.TenantId, query, request, cancellationToken);
        return TypedResults.Ok(DetectionRunListResponse.From(result));
    }

    public static async Task<Results<Ok<DetectionRunStatsResponse>, ValidationProblem>> GetStats(
        [AsParameters] DetectionRunServices services,
        StatsCache cache,
        [FromQuery(Name = "detector_id")] string? detectorId,
        [FromQuery] string? from,
        [FromQuery] string? to,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var query = TimeRangeQuery(errors, detectorId, from, to);
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var response = await cache.GetOrComputeAsync(
            StatsSource.DetectionRuns, tenant, $"stats|{detectorId}|{query.From:O}|{query.To:O}",
            async token => DetectionRunStatsResponse.From(await services.Runs.GetStatsAsync(tenant, query, token)), cancellationToken);
        return TypedResults.Ok(response);
    }

    public static async Task<Results<Created<DetectionRunResponse>, ValidationProblem, ProblemHttpResult>> CreateRun(
        CreateDetectionRunRequest request,
        [AsParameters] DetectionRunServices services,
        CancellationToken cancellationToken)
    {
        var errors = DetectionRunRules.ValidateCreate(request.RunId, request.DetectorId, request.Window, request.Info);
        ResourceIds.RequireAddressable(errors, "run_id", request.RunId, "stats");
        if (request.Status is not (null or DetectionRunStatus.Queued or DetectionRunStatus.Running))
            errors.Add("status", "A new run is queued or running; finish it with POST /detection-runs/{id}/complete.");
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var detector = await services.Detectors.GetAsync(tenant, request.DetectorId!, cancellationToken);
        if (detector is null)
        {
            errors.Add("detector_id", $"Detector '{request.DetectorId}' does not exist in this tenant.");
            return errors.ToProblem();
        }

        var window = request.Window!;
        var run = new DetectionRun
        {
            RunId = request.RunId ?? Guid.NewGuid().ToString(),
            Metadata = new DetectionRunMetadata
            {
                DetectorId = detector.DetectorId,
                DetectorType = WireEnum.ToWire(detector.Type),
                TenantId = tenant,
                Status = request.Status ?? DetectionRunStatus.Queued,
            },
            StartedAt = request.StartedAt is { } startedAt ? UtcTime.Normalize(startedAt) : UtcTime.Now(services.Clock),
            Window = new DetectionWindow
            {
                From = UtcTime.Normalize(window.From),
                To = UtcTime.Normalize(window.To),
                DurationHours = window.DurationHours,
                UnknownMembers = window.UnknownMembers,
            },
            Info = request.Info ?? new DetectionRunInfo(),
        };

        var outcome = await services.Runs.CreateAsync(run, cancellationToken);
        return outcome is Outcome<DetectionRun>.Ok(var created)
            ? TypedResults.Created(ResourceLocation.Child(services.HttpContext.Request, created.RunId), DetectionRunResponse.From(created))
            : OutcomeProblems.For(outcome, DetectionRunProblems.Resource, run.RunId);
    }

    public static async Task<Results<Ok<DetectionRunResponse>, ProblemHttpResult>> GetRun(
        string runId,
        [AsParameters] DetectionRunServices services,
        CancellationToken cancellationToken)
    {
        var run = await services.Runs.GetAsync(services.Identity.TenantId, runId, cancellationToken);
        return run is null ? DetectionRunProblems.NotFound(runId) : TypedResults.Ok(DetectionRunResponse.From(run));
    }

    public static async Task<Results<Ok<DetectionRunResponse>, ValidationProblem, ProblemHttpResult>> UpdateStatus(
        string runId,
        UpdateDetectionRunStatusRequest request,
        [AsParameters] DetectionRunServices services,
        CancellationToken cancellationToken)
    {
        var errors = DetectionRunRules.ValidateStatusUpdate(request.Status, request.Info);
        if (!errors.IsEmpty) return errors.ToProblem();

        var outcome = await services.Runs.UpdateStatusAsync(services.Identity.TenantId, runId, request.Status!.Value, request.Info, cancellationToken);
        return ToResult(outcome, runId);
    }

    public static async Task<Results<Ok<DetectionRunResponse>, ValidationProblem, ProblemHttpResult>> CompleteRun(
        string runId,
        CompleteDetectionRunRequest request,
        [AsParameters] DetectionRunServices services,
        CancellationToken cancellationToken)
    {
        var errors = DetectionRunRules.ValidateCompletion(request.Status, request.Info, request.ErrorMessage);
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var current = await services.Runs.GetAsync(tenant, runId, cancellationToken);
        if (current is null) return DetectionRunProblems.NotFound(runId);

        // Progress info recorded while running is kept unless the completion sends its own.
        var info = request.Info ?? current.Info;
        if (request.ErrorMessage is not null) info.ErrorMessage = request.ErrorMessage;

        var outcome = await services.Runs.CompleteAsync(tenant, runId, request.Status!.Value, UtcTime.Now(services.Clock), info, cancellationToken);
        return ToResult(outcome, runId);
    }

    private static Results<Ok<DetectionRunResponse>, ValidationProblem, ProblemHttpResult> ToResult(Outcome<DetectionRun> outcome, string runId)
        => outcome is Outcome<DetectionRun>.Ok(var run)
            ? TypedResults.Ok(DetectionRunResponse.From(run))
            : OutcomeProblems.For(outcome, DetectionRunProblems.Resource, runId);

    private static DetectionRunQuery TimeRangeQuery(ValidationErrors errors, string? detectorId, string? from, string? to)
    {
        var fromInstant = QueryValues.Instant(errors, "from", from);
        var toInstant = QueryValues.Instant(errors, "to", to);
        DetectionRunRules.ValidateTimeRange(errors, fromInstant, toInstant);
        return new DetectionRunQuery(string.IsNullOrEmpty(detectorId) ? null : detectorId, From: fromInstant, To: toInstant);
    }
}
