using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Embeddings;
using Olorin.Core.Transitions;
using Olorin.Server.Caching;

namespace Olorin.Server.Apis.Investigations;

/// <summary>
/// The investigation resource. Served at <c>/investigations</c> and at the existing frontend's
/// <c>/api/v1/investigation-state</c> with the same handlers (Decision 9).
/// </summary>
public static class InvestigationsApi
{
    public static readonly string[] Prefixes = ["/investigations", "/api/v1/investigation-state"];

    public const int DefaultHistoryLimit = 20;
    public const int MaxHistoryLimit = 100;

    public static IEndpointRouteBuilder MapInvestigationsApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
            app.MapGroup(prefix)
                .WithTags("Investigations")
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
                .InvalidatesStats(StatsSource.TransactionScores) // deleting an investigation deletes its scores
                .MapInvestigationRoutes();
        return app;
    }

    private static RouteGroupBuilder MapInvestigationRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/", ListInvestigations)
            .WithSummary("Lists the tenant's investigations, most recently updated first.");
        api.MapPost("/", CreateInvestigation)
            .WithSummary("Creates an investigation owned by the caller.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{investigationId}", GetInvestigation)
            .WithSummary("Gets an investigation; answers 304 when If-None-Match names its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/{investigationId}", UpdateInvestigation)
            .WithSummary("Updates an investigation if `version` (or If-Match) is the stored version.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{investigationId}", DeleteInvestigation)
            .WithSummary("Deletes an investigation and its transaction scores; its history remains.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{investigationId}/history", GetHistory)
            .WithSummary("The investigation's audit trail, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapInvestigationChangeRoutes();
        api.MapInvestigationEventRoutes();
        return api;
    }

    public static async Task<Results<Ok<InvestigationListResponse>, ValidationProblem>> ListInvestigations(
        [AsParameters] InvestigationServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery] string? status,
        [FromQuery] string? search,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        InvestigationStatus? statusFilter = null;
        if (status is not null)
        {
            if (WireEnum.TryParse<InvestigationStatus>(status, out var parsed)) statusFilter = parsed;
            else FieldRules.OneOf(errors, "status", status, WireEnum.WireValues<InvestigationStatus>().ToList());
        }
        if (!errors.IsEmpty) return errors.ToProblem();

        var result = await services.Investigations.ListAsync(
            services.Identity.TenantId, new InvestigationQuery(statusFilter, string.IsNullOrEmpty(search) ? null : search), request, cancellationToken);
        return TypedResults.Ok(InvestigationListResponse.From(result));
    }

    public static async Task<Results<Created<InvestigationResponse>, ValidationProblem, ProblemHttpResult>> CreateInvestigation(
        CreateInvestigationRequest request,
        [AsParameters] InvestigationServices services,
        CancellationToken cancellationToken)
    {
        var http = services.HttpContext;
        var errors = InvestigationRules.Validate(request.InvestigationId, request.Settings, request.Progress, request.Results, request.Metadata);
        ResourceIds.RequireAddressable(errors, "investigation_id", request.InvestigationId, InvestigationSearchApi.Segment, "reports");
        if (!errors.IsEmpty) return errors.ToProblem();

        var now = UtcTime.Now(services.Clock);
        var investigation = new Investigation
        {
            InvestigationId = request.InvestigationId ?? Guid.NewGuid().ToString(),
            UserId = services.Identity.UserId,
            TenantId = services.Identity.TenantId,
            LifecycleStage = request.LifecycleStage ?? LifecycleStage.Created,
            Status = request.Status ?? InvestigationStatus.Created,
            Settings = request.Settings,
            Progress = request.Progress,
            Results = request.Results,
            Metadata = request.Metadata ?? InvestigationMetadata.Default(),
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var outcome = await services.Investigations.CreateAsync(investigation, services.Audit(), cancellationToken);
        if (outcome is not Outcome<Investigation>.Ok(var created))
            return OutcomeProblems.For(outcome, InvestigationProblems.Resource, investigation.InvestigationId);

        if (created.Settings is not null || created.Results is not null)
            services.EmbeddingQueue.Enqueue(EmbeddingCollection.Investigations, created.TenantId, created.InvestigationId);
        var response = InvestigationResponse.From(created);
        http.Response.Headers.ETag = response.Etag;
        return TypedResults.Created(ResourceLocation.Child(http.Request, created.InvestigationId), response);
    }

    public static async Task<Results<Ok<InvestigationResponse>, StatusCodeHttpResult, ProblemHttpResult>> GetInvestigation(
        string investigationId,
        [AsParameters] InvestigationServices services,
        CancellationToken cancellationToken)
    {
        var http = services.HttpContext;
        var tenant = services.Identity.TenantId;
        var investigation = await services.Investigations.GetAsync(tenant, investigationId, cancellationToken);
        if (investigation is null) return InvestigationProblems.NotFound(investigationId);

        http.Response.Headers.CacheControl = "no-cache, must-revalidate";
        // last_accessed is not part of the ETag: a 304 is answered from the read alone and writes nothing.
        var etag = InvestigationETag.For(investigation);
        http.Response.Headers.ETag = etag;
        if (InvestigationETag.Matches(http.Request.Headers.IfNoneMatch, etag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);

        // An access, not a change: neither version nor ETag move (Decision 6). Recorded only when the stored one is
        // older than the interval, and written by the buffer's next flush, off this request (no write, no commit here).
        var now = UtcTime.Now(services.Clock);
        if (investigation.LastAccessed is not { } last || last < now.AddSeconds(-services.Access.Value.WriteIntervalSeconds))
            investigation.LastAccessed = services.AccessBuffer.Record(tenant, investigationId, now);

        return TypedResults.Ok(InvestigationResponse.From(investigation));
    }

    public static async Task<Results<Ok<InvestigationResponse>, ValidationProblem, ProblemHttpResult>> UpdateInvestigation(
        string investigationId,
        UpdateInvestigationRequest request,
        [AsParameters] InvestigationServices services,
        CancellationToken cancellationToken)
    {
        var http = services.HttpContext;
        var errors = InvestigationRules.Validate(settings: request.Settings, progress: request.Progress, results: request.Results, metadata: request.Metadata);
        var expectedVersion = ExpectedVersion(request.Version, http.Request.Headers.IfMatch, errors);
        if (!errors.IsEmpty || expectedVersion is not { } version) return errors.ToProblem();

        // The owner, the version and an If-Match ETag's hash are guards of the write itself: no read here.
        var ifMatch = http.Request.Headers.IfMatch is [{ } tag] ? tag : null;
        var guard = InvestigationWriteGuard.For(services.Identity, version,
            ifMatch is null ? null : stored => InvestigationETag.HashAgrees(ifMatch, stored));
        var patch = request.ToPatch();
        var outcome = await services.Investigations.UpdateAsync(services.Identity.TenantId, investigationId, guard, patch, services.Audit(), cancellationToken);
        if (outcome is Outcome<Investigation>.PreconditionFailed)
            return ValidationResults.Invalid("If-Match", "If-Match names this version but not this investigation's ETag; send the ETag you read.");
        if (outcome is not Outcome<Investigation>.Ok(var updated))
            return OutcomeProblems.For(outcome, InvestigationProblems.Resource, investigationId, version);

        // Its embedding was emptied with the change; the embedding worker computes the new one.
        if (patch.ChangesEmbeddedText)
            services.EmbeddingQueue.Enqueue(EmbeddingCollection.Investigations, updated.TenantId, updated.InvestigationId);
        var response = InvestigationResponse.From(updated);
        http.Response.Headers.ETag = response.Etag;
        return TypedResults.Ok(response);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteInvestigation(
        string investigationId,
        [AsParameters] InvestigationServices services,
        CancellationToken cancellationToken)
    {
        var outcome = await services.Investigations.DeleteAsync(
            services.Identity.TenantId, investigationId, InvestigationWriteGuard.For(services.Identity, expectedVersion: null), services.Audit(), cancellationToken);
        return outcome is Outcome<Investigation>.Ok ? TypedResults.NoContent() : OutcomeProblems.For(outcome, InvestigationProblems.Resource, investigationId);
    }

    public static async Task<Results<Ok<List<HistoryEntryResponse>>, ValidationProblem, ProblemHttpResult>> GetHistory(
        string investigationId,
        [AsParameters] InvestigationServices services,
        [FromQuery] int? limit,
        [FromQuery] int? offset,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        FieldRules.Range(errors, "limit", limit, 1, MaxHistoryLimit);
        FieldRules.Range(errors, "offset", offset, 0, int.MaxValue);
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var entries = await services.AuditLog.GetHistoryAsync(tenant, investigationId, limit ?? DefaultHistoryLimit, offset ?? 0, cancellationToken);
        // An empty page past the end is still a known investigation; only one that never had an entry is 404.
        if (entries.Count == 0 && (offset is null or 0 || (await services.AuditLog.GetHistoryAsync(tenant, investigationId, 1, 0, cancellationToken)).Count == 0))
            return InvestigationProblems.NotFound(investigationId);
        return TypedResults.Ok(entries.Select(HistoryEntryResponse.From).ToList());
    }

    /// <summary>The version the client read: body <c>version</c>, else the <c>If-Match</c> header; both must agree when both are given.</summary>
    private static int? ExpectedVersion(int? bodyVersion, Microsoft.Extensions.Primitives.StringValues ifMatch, ValidationErrors errors)
    {
        int? headerVersion = null;
        if (ifMatch.Count > 0)
        {
            headerVersion = ifMatch.Count == 1 ? InvestigationETag.VersionOf(ifMatch[0]!) : null;
            if (headerVersion is null) errors.Add("If-Match", "If-Match must be one ETag of this investigation, e.g. W/\"3-1a2b3c4d\".");
        }
        if (bodyVersion is < 1) errors.Add("version", $"version must be at least 1 (was {bodyVersion}).");
        if (bodyVersion is not null && headerVersion is not null && bodyVersion != headerVersion)
            errors.Add("version", $"version {bodyVersion} disagrees with If-Match (version {headerVersion}).");
        if (bodyVersion is null && ifMatch.Count == 0)
            errors.Add("version", "version is required (or send an If-Match header with the ETag you read).");
        return errors.IsEmpty ? bodyVersion ?? headerVersion : null;
    }
}
