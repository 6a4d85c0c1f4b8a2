using Microsoft.AspNetCore.Mvc;
using Olorin.Server.Apis.Investigations;
using Olorin.Server.Caching;

namespace Olorin.Server.Apis.TransactionScores;

/// <summary>
/// The risk scores of an investigation's transactions: idempotent bulk insert, highest risk first, distribution.
/// Every route answers 404 when the caller's tenant has no such investigation.
/// </summary>
public static class TransactionScoresApi
{
    /// <summary>
    /// Request body budget of the bulk insert. 10,000 scores with ids of the maximum length and every component
    /// stay under 8 MB; a typical batch is 1–2 MB.
    /// </summary>
    public const long MaxBulkRequestBytes = 16 * 1024 * 1024;

    public static IEndpointRouteBuilder MapTransactionScoresApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in InvestigationsApi.Prefixes)
        {
            var scores = app.MapGroup($"{prefix}/{{investigationId}}/transaction-scores").WithTags("Transaction scores")
                .InvalidatesStats(StatsSource.TransactionScores);
            scores.MapPost("/", InsertScores)
                .WithSummary($"Stores up to {TransactionScoreRules.MaxScoresPerRequest} scores; scores already stored are left as they are.")
                .WithMetadata(new RequestSizeLimitAttribute(MaxBulkRequestBytes))
                .ProducesProblem(StatusCodes.Status404NotFound);
            scores.MapGet("/", ListScores)
                .WithSummary("Lists the investigation's scores, highest risk first.")
                .ProducesProblem(StatusCodes.Status404NotFound);
            scores.MapGet("/distribution", GetDistribution)
                .WithSummary($"Counts the scores in {TransactionScoreRules.DistributionBuckets} equal risk buckets over [0, 1].")
                .ProducesProblem(StatusCodes.Status404NotFound);
        }
        return app;
    }

    /// <summary>201 when the request added scores, 200 when every one of them was already stored.</summary>
    public static async Task<Results<Created<TransactionScoreBatchResponse>, Ok<TransactionScoreBatchResponse>, ValidationProblem, ProblemHttpResult>> InsertScores(
        string investigationId,
        TransactionScoreBatchRequest request,
        [AsParameters] TransactionScoreServices services,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty) return errors.ToProblem();
        if (!await services.InvestigationExistsAsync(investigationId, cancellationToken)) return InvestigationProblems.NotFound(investigationId);

        var tenant = services.Identity.TenantId;
        var now = UtcTime.Now(services.Clock);
        var documents = request.Scores!.Select(score => new TransactionScore
        {
            InvestigationId = investigationId,
            TransactionId = score!.TransactionId!,
            TenantId = tenant,
            RiskScore = score.RiskScore!.Value,
            ScoreComponents = score.ScoreComponents,
            CreatedAt = now,
        }).ToList();
        var inserted = await services.Scores.InsertManyAsync(tenant, documents, cancellationToken);
        var total = await services.Scores.CountByInvestigationAsync(tenant, investigationId, cancellationToken);

        var response = new TransactionScoreBatchResponse(inserted, total);
        var http = services.HttpContext;
        return inserted > 0
            ? TypedResults.Created($"{http.Request.PathBase}{http.Request.Path.Value!.TrimEnd('/')}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<TransactionScoreListResponse>, ValidationProblem, ProblemHttpResult>> ListScores(
        string investigationId,
        [AsParameters] TransactionScoreServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "min_risk")] double? minRisk,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        TransactionScoreRules.RiskScore(errors, "min_risk", minRisk);
        if (!errors.IsEmpty) return errors.ToProblem();
        if (!await services.InvestigationExistsAsync(investigationId, cancellationToken)) return InvestigationProblems.NotFound(investigationId);

        var result = await services.Scores.ListByInvestigationAsync(services.Identity.TenantId, investigationId, minRisk, request, cancellationToken);
        return TypedResults.Ok(TransactionScoreListResponse.From(result));
    }

    public static async Task<Results<Ok<RiskDistributionResponse>, ProblemHttpResult>> GetDistribution(
        string investigationId,
        [AsParameters] TransactionScoreServices services,
        StatsCache cache,
        CancellationToken cancellationToken)
    {
        if (!await services.InvestigationExistsAsync(investigationId, cancellationToken)) return InvestigationProblems.NotFound(investigationId);
        var tenant = services.Identity.TenantId;
        var response = await cache.GetOrComputeAsync(
            StatsSource.TransactionScores, tenant, $"distribution|{investigationId}",
            async token =>
            {
                var buckets = await services.Scores.GetDistributionAsync(tenant, investigationId, TransactionScoreRules.DistributionBuckets, token);
                return new RiskDistributionResponse(buckets, buckets.Sum(b => b.Count));
            },
            cancellationToken);
        return TypedResults.Ok(response);
    }
}
