using Microsoft.AspNetCore.Mvc;

namespace Olorin.Server.Apis.Detectors;

/// <summary>The detector resource at <c>/detectors</c>: anomaly-detection configurations of the caller's tenant.</summary>
public static class DetectorsApi
{
    public static IEndpointRouteBuilder MapDetectorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/detectors").WithTags("Detectors");
        api.MapGet("/", ListDetectors)
            .WithSummary("Lists the tenant's detectors, newest first; filter by `type` and `enabled`.");
        api.MapPost("/", CreateDetector)
            .WithSummary("Creates a detector.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{detectorId}", GetDetector)
            .WithSummary("Gets a detector.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/{detectorId}", UpdateDetector)
            .WithSummary("Changes a detector's name, cohort_by, metrics, params or enabled flag.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{detectorId}", DeleteDetector)
            .WithSummary("Deletes a detector.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<DetectorListResponse>, ValidationProblem>> ListDetectors(
        [AsParameters] DetectorServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery] string? type,
        [FromQuery] bool? enabled,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        var typeFilter = QueryValues.WireEnumValue<DetectorType>(errors, "type", type);
        if (!errors.IsEmpty) return errors.ToProblem();

        var result = await services.Detectors.ListAsync(services.Identity.TenantId, new DetectorQuery(typeFilter, enabled), request, cancellationToken);
        return TypedResults.Ok(DetectorListResponse.From(result));
    }

    public static async Task<Results<Created<DetectorResponse>, ValidationProblem, ProblemHttpResult>> CreateDetector(
        CreateDetectorRequest request,
        [AsParameters] DetectorServices services,
        CancellationToken cancellationToken)
    {
        var errors = DetectorRules.ValidateCreate(request.DetectorId, request.Name, request.Type, request.CohortBy, request.Metrics, request.Params);
        ResourceIds.RequireAddressable(errors, "detector_id", request.DetectorId);
        if (!errors.IsEmpty) return errors.ToProblem();

        var now = UtcTime.Now(services.Clock);
        var detector = new Detector
        {
            DetectorId = request.DetectorId ?? Guid.NewGuid().ToString(),
            Name = request.Name!,
            Type = request.Type!.Value,
            CohortBy = request.CohortBy ?? DetectorDefaults.CohortBy(),
            Metrics = request.Metrics!,
            Params = request.Params ?? DetectorDefaults.Params(),
            Enabled = request.Enabled ?? true,
            TenantId = services.Identity.TenantId,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var outcome = await services.Detectors.CreateAsync(detector, cancellationToken);
        return outcome is Outcome<Detector>.Ok(var created)
            ? TypedResults.Created(ResourceLocation.Child(services.HttpContext.Request, created.DetectorId), DetectorResponse.From(created))
            : OutcomeProblems.For(outcome, DetectorProblems.Resource, detector.DetectorId);
    }

    public static async Task<Results<Ok<DetectorResponse>, ProblemHttpResult>> GetDetector(
        string detectorId,
        [AsParameters] DetectorServices services,
        CancellationToken cancellationToken)
    {
        var detector = await services.Detectors.GetAsync(services.Identity.TenantId, detectorId, cancellationToken);
        return detector is null ? DetectorProblems.NotFound(detectorId) : TypedResults.Ok(DetectorResponse.From(detector));
    }

    public static async Task<Results<Ok<DetectorResponse>, ValidationProblem, ProblemHttpResult>> UpdateDetector(
        string detectorId,
        UpdateDetectorRequest request,
        [AsParameters] DetectorServices services,
        CancellationToken cancellationToken)
    {
        var errors = DetectorRules.ValidatePatch(request.Name, request.CohortBy, request.Metrics, request.Params);
        if (request.IsEmpty) errors.Add("body", "Send at least one of name, cohort_by, metrics, params, enabled.");
        if (!errors.IsEmpty) return errors.ToProblem();

        var outcome = await services.Detectors.UpdateAsync(services.Identity.TenantId, detectorId, request.ToPatch(), cancellationToken);
        return outcome is Outcome<Detector>.Ok(var updated)
            ? TypedResults.Ok(DetectorResponse.From(updated))
            : OutcomeProblems.For(outcome, DetectorProblems.Resource, detectorId);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteDetector(
        string detectorId,
        [AsParameters] DetectorServices services,
        CancellationToken cancellationToken)
        => await services.Detectors.DeleteAsync(services.Identity.TenantId, detectorId, cancellationToken)
            ? TypedResults.NoContent()
            : DetectorProblems.NotFound(detectorId);
}
