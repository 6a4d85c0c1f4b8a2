using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Tenancy;
using Olorin.Core.Validation;
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
        RequestIdentity identity,
        IInvestigationRepository investigations,
        ITransactionScoreRepository scores,
        TimeProvider clock,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        if (await investigations.GetAsync(identity.TenantId, investigationId, cancellationToken) is null)
            return InvestigationProblems.NotFound(investigationId);

        var now = UtcTime.Now(clock);
        var documents = request.Scores!.Select(score => new TransactionScore
        {
            InvestigationId = investigationId,
            TransactionId = score!.TransactionId!,
            TenantId = identity.TenantId,
            RiskScore = score.RiskScore!.Value,
            ScoreComponents = score.ScoreComponents,
            CreatedAt = now,
        }).ToList();
        var inserted = await scores.InsertManyAsync(identity.TenantId, documents, cancellationToken);
        var total = await scores.CountByInvestigationAsync(identity.TenantId, investigationId, cancellationToken);

        var response = new TransactionScoreBatchResponse(inserted, total);
        return inserted > 0
            ? TypedResults.Created($"{http.Request.PathBase}{http.Request.Path.Value!.TrimEnd('/')}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<TransactionScoreListResponse>, ValidationProblem, ProblemHttpResult>> ListScores(
        string investigationId,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "min_risk")] double? minRisk,
        RequestIdentity identity,
        IInvestigationRepository investigations,
        ITransactionScoreRepository scores,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        TransactionScoreRules.RiskScore(errors, "min_risk", minRisk);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        if (await investigations.GetAsync(identity.TenantId, investigationId, cancellationToken) is null)
            return InvestigationProblems.NotFound(investigationId);

        var result = await scores.ListByInvestigationAsync(identity.TenantId, investigationId, minRisk, request, cancellationToken);
        return TypedResults.Ok(TransactionScoreListResponse.From(result));
    }

    public static async Task<Results<Ok<RiskDistributionResponse>, ProblemHttpResult>> GetDistribution(
        string investigationId,
        RequestIdentity identity,
        IInvestigationRepository investigations,
        ITransactionScoreRepository scores,
        StatsCache cache,
        CancellationToken cancellationToken)
    {
        if (await investigations.GetAsync(identity.TenantId, investigationId, cancellationToken) is null)
            return InvestigationProblems.NotFound(investigationId);
        var response = await cache.GetOrComputeAsync(
            StatsSource.TransactionScores, identity.TenantId, $"distribution|{investigationId}",
            async token =>
            {
                var buckets = await scores.GetDistributionAsync(identity.TenantId, investigationId, TransactionScoreRules.DistributionBuckets, token);
                return new RiskDistributionResponse(buckets, buckets.Sum(b => b.Count));
            },
            cancellationToken);
        return TypedResults.Ok(response);
    }
}
