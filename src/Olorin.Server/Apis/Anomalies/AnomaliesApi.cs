using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Embeddings;
using Olorin.Server.Security;

namespace Olorin.Server.Apis.Anomalies;

/// <summary>
/// The anomaly resource at <c>/anomalies</c>: detected anomalies of the caller's tenant, their triage status, their
/// link to an investigation, and similarity search over their embeddings.
/// </summary>
public static class AnomaliesApi
{
    public static IEndpointRouteBuilder MapAnomaliesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/anomalies").WithTags("Anomalies");
        api.MapGet("/", ListAnomalies)
            .WithSummary("Lists the tenant's anomalies, highest score first; filter by run, detector, investigation, severity, status and `min_score`.");
        api.MapPost("/", CreateAnomaly)
            .WithSummary("Records an anomaly, optionally with its embedding; without one, the server computes it after the write.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/bulk", AnomalyBulkInsert.Insert)
            .WithSummary($"Stores up to {AnomalyRules.MaxPerBulkRequest} anomalies at once, idempotently by anomaly_id: those already stored are left as they are.")
            .WithMetadata(new RequestSizeLimitAttribute(AnomalyBulkInsert.MaxRequestBytes));
        api.MapPost("/search/similar", SimilarAnomaliesSearch.Search)
            .RequireAuthorization(ApiAuthorization.ReadPolicy) // a search: POST only to carry the vector or text
            .WithSummary("The tenant's anomalies most similar (cosine) to a vector, another anomaly or a text (embedded by the server), most similar first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{anomalyId}", GetAnomaly)
            .WithSummary("Gets an anomaly.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/{anomalyId}", UpdateAnomaly)
            .WithSummary("Moves an anomaly's status forward: new → triaged → closed.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPut("/{anomalyId}/investigation", LinkInvestigation)
            .WithSummary("Links an anomaly to an investigation of the tenant.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{anomalyId}/investigation", UnlinkInvestigation)
            .WithSummary("Removes an anomaly's investigation link.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{anomalyId}", DeleteAnomaly)
            .WithSummary("Deletes an anomaly.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<AnomalyListResponse>, ValidationProblem>> ListAnomalies(
        [AsParameters] AnomalyServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "run_id")] string? runId,
        [FromQuery(Name = "detector_id")] string? detectorId,
        [FromQuery(Name = "investigation_id")] string? investigationId,
        [FromQuery] string? severity,
        [FromQuery] string? status,
        [FromQuery(Name = "min_score")] double? minScore,
        [FromQuery(Name = "include_embedding")] bool? includeEmbedding,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        var query = new AnomalyQuery(
            NullIfEmpty(runId),
            NullIfEmpty(detectorId),
            NullIfEmpty(investigationId),
            QueryValues.WireEnumValue<AnomalySeverity>(errors, "severity", severity),
            QueryValues.WireEnumValue<AnomalyStatus>(errors, "status", status),
            minScore,
            IncludeEmbedding: includeEmbedding ?? false);
        if (minScore is { } min) AnomalyRules.ValidateScore(errors, "min_score", min);
        if (!errors.IsEmpty) return errors.ToProblem();

        var result = await services.Anomalies.ListAsync(services.Identity.TenantId, query, request, cancellationToken);
        return TypedResults.Ok(AnomalyListResponse.From(result, includeEmbedding ?? false));
    }

    public static async Task<Results<Created<AnomalyResponse>, ValidationProblem, ProblemHttpResult>> CreateAnomaly(
        CreateAnomalyRequest request,
        [AsParameters] AnomalyServices services,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate(services.EmbeddingDimension);
        if (errors.IsEmpty && request.InvestigationId is { } investigationId && !await services.InvestigationExistsAsync(investigationId, cancellationToken))
            errors.Add("investigation_id", $"Investigation '{investigationId}' does not exist in this tenant.");
        if (!errors.IsEmpty) return errors.ToProblem();

        var anomaly = request.ToAnomaly(services.Identity.TenantId, UtcTime.Now(services.Clock));

        var outcome = await services.Anomalies.CreateAsync(anomaly, cancellationToken);
        // Stored without an embedding: the embedding worker computes it after the response (a client's vector is kept).
        if (outcome is Outcome<AnomalyEvent>.Ok(var stored) && stored.Embedding.Length == 0)
            services.EmbeddingQueue.Enqueue(EmbeddingCollection.Anomalies, stored.TenantId, stored.AnomalyId);
        return outcome is Outcome<AnomalyEvent>.Ok(var created)
            ? TypedResults.Created(ResourceLocation.Child(services.HttpContext.Request, created.AnomalyId), AnomalyResponse.From(created, includeEmbedding: false))
            : OutcomeProblems.For(outcome, AnomalyProblems.Resource, anomaly.AnomalyId);
    }

    public static async Task<Results<Ok<AnomalyResponse>, ProblemHttpResult>> GetAnomaly(
        string anomalyId,
        [AsParameters] AnomalyServices services,
        [FromQuery(Name = "include_embedding")] bool? includeEmbedding,
        CancellationToken cancellationToken)
    {
        var anomaly = await services.Anomalies.GetAsync(services.Identity.TenantId, anomalyId, cancellationToken);
        return anomaly is null ? AnomalyProblems.NotFound(anomalyId) : TypedResults.Ok(AnomalyResponse.From(anomaly, includeEmbedding ?? false));
    }

    public static async Task<Results<Ok<AnomalyResponse>, ValidationProblem, ProblemHttpResult>> UpdateAnomaly(
        string anomalyId,
        UpdateAnomalyRequest request,
        [AsParameters] AnomalyServices services,
        CancellationToken cancellationToken)
    {
        if (request.Status is not { } status)
            return ValidationResults.Invalid("status", "status is required; one of: new, triaged, closed.");

        var outcome = await services.Anomalies.UpdateStatusAsync(services.Identity.TenantId, anomalyId, status, cancellationToken);
        return ToResult(outcome, anomalyId);
    }

    public static async Task<Results<Ok<AnomalyResponse>, ValidationProblem, ProblemHttpResult>> LinkInvestigation(
        string anomalyId,
        LinkInvestigationRequest request,
        [AsParameters] AnomalyServices services,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        FieldRules.RequiredId(errors, "investigation_id", request.InvestigationId);
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        if (await services.Anomalies.GetAsync(tenant, anomalyId, cancellationToken) is null) return AnomalyProblems.NotFound(anomalyId);
        if (!await services.InvestigationExistsAsync(request.InvestigationId!, cancellationToken))
        {
            errors.Add("investigation_id", $"Investigation '{request.InvestigationId}' does not exist in this tenant.");
            return errors.ToProblem();
        }

        var outcome = await services.Anomalies.LinkInvestigationAsync(tenant, anomalyId, request.InvestigationId, cancellationToken);
        return ToResult(outcome, anomalyId);
    }

    public static async Task<Results<Ok<AnomalyResponse>, ValidationProblem, ProblemHttpResult>> UnlinkInvestigation(
        string anomalyId,
        [AsParameters] AnomalyServices services,
        CancellationToken cancellationToken)
    {
        var outcome = await services.Anomalies.LinkInvestigationAsync(services.Identity.TenantId, anomalyId, null, cancellationToken);
        return ToResult(outcome, anomalyId);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAnomaly(
        string anomalyId,
        [AsParameters] AnomalyServices services,
        CancellationToken cancellationToken)
        => await services.Anomalies.DeleteAsync(services.Identity.TenantId, anomalyId, cancellationToken)
            ? TypedResults.NoContent()
            : AnomalyProblems.NotFound(anomalyId);

    private static Results<Ok<AnomalyResponse>, ValidationProblem, ProblemHttpResult> ToResult(Outcome<AnomalyEvent> outcome, string anomalyId)
        => outcome is Outcome<AnomalyEvent>.Ok(var anomaly)
            ? TypedResults.Ok(AnomalyResponse.From(anomaly, includeEmbedding: false))
            : OutcomeProblems.For(outcome, AnomalyProblems.Resource, anomalyId);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
