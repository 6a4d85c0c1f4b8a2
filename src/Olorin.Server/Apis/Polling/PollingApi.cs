using Microsoft.AspNetCore.Mvc;
using Olorin.Server.Apis.Investigations;

namespace Olorin.Server.Apis.Polling;

/// <summary>
/// The polling API the existing frontend follows a running investigation with (<c>/api/v1/polling</c>). Stateless:
/// every answer is computed from the stored investigation, so any number of tabs and server instances may poll.
/// Rate-limited per tenant+user (<see cref="PollingRateLimiter"/>).
/// </summary>
public static class PollingApi
{
    public const string Prefix = "/api/v1/polling";
    public const int DefaultActiveLimit = 20;
    public const int MaxActiveLimit = 100;

    /// <summary>The statuses of an investigation that is not finished.</summary>
    public static readonly IReadOnlyList<InvestigationStatus> ActiveStatuses =
        [InvestigationStatus.Created, InvestigationStatus.Settings, InvestigationStatus.InProgress];

    public static IEndpointRouteBuilder MapPollingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix)
            .WithTags("Polling")
            .WithMetadata(new PollingRateLimitedAttribute())
            .AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.RequestServices.GetRequiredService<PollingRateLimiter>().WriteHeaders(context.HttpContext);
                return await next(context);
            })
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/investigation-state/{investigationId}", PollState)
            .WithSummary("The investigation with the recommended polling interval; 304 when If-None-Match names its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/investigation-state/{investigationId}/changes", PollChanges)
            .WithSummary("The changes after since_version (from the audit trail), with the recommended polling interval.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/investigation-state/{investigationId}/summary", PollSummary)
            .WithSummary("Phase, progress percentage and status of the investigation.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/active-investigations", ActiveInvestigations)
            .WithSummary("The caller's investigations that are not finished (CREATED, SETTINGS, IN_PROGRESS), most recently updated first.");
        return app;
    }

    public static async Task<Results<Ok<PollingStateResponse>, StatusCodeHttpResult, ProblemHttpResult>> PollState(
        string investigationId,
        [AsParameters] InvestigationServices services,
        PollingIntervals intervals,
        CancellationToken cancellationToken)
    {
        var http = services.HttpContext;
        var investigation = await services.Investigations.GetAsync(services.Identity.TenantId, investigationId, cancellationToken);
        if (investigation is null) return InvestigationProblems.NotFound(investigationId);

        var interval = intervals.For(investigation);
        var state = InvestigationResponse.From(investigation);
        http.Response.Headers.ETag = state.Etag;
        http.Response.Headers.CacheControl = "no-cache, must-revalidate";
        http.Response.Headers[PollingIntervals.Header] = interval.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (InvestigationETag.Matches(http.Request.Headers.IfNoneMatch, state.Etag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(new PollingStateResponse(state, interval, interval / 1000, state.Etag));
    }

    public static async Task<Results<Ok<PollingChangesResponse>, ValidationProblem, ProblemHttpResult>> PollChanges(
        string investigationId,
        [AsParameters] InvestigationServices services,
        InvestigationChangeFeed feed,
        PollingIntervals intervals,
        [FromQuery(Name = "since_version")] string? sinceVersion,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (InvestigationChangesApi.RequiredSinceVersion(errors, sinceVersion) is not { } since)
            return errors.ToProblem();

        var changes = await InvestigationChangesApi.ReadChangesAsync(services, feed, investigationId, since, withSnapshot: false, cancellationToken);
        if (changes is null) return InvestigationProblems.NotFound(investigationId);
        var current = await services.Investigations.GetAsync(services.Identity.TenantId, investigationId, cancellationToken);
        var interval = current is null ? intervals.Slowest : intervals.For(current);
        services.HttpContext.Response.Headers[PollingIntervals.Header] = interval.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(new PollingChangesResponse(
            changes.InvestigationId, changes.SinceVersion, changes.CurrentVersion, changes.HasChanges, changes.Changes, changes.Complete,
            interval, interval / 1000));
    }

    public static async Task<Results<Ok<PollingSummaryResponse>, ProblemHttpResult>> PollSummary(
        string investigationId,
        [AsParameters] InvestigationServices services,
        PollingIntervals intervals,
        CancellationToken cancellationToken)
    {
        var investigation = await services.Investigations.GetAsync(services.Identity.TenantId, investigationId, cancellationToken);
        if (investigation is null) return InvestigationProblems.NotFound(investigationId);
        var interval = intervals.For(investigation);
        services.HttpContext.Response.Headers[PollingIntervals.Header] = interval.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(PollingSummaryResponse.From(investigation, interval));
    }

    public static async Task<Results<Ok<ActiveInvestigationsResponse>, ValidationProblem>> ActiveInvestigations(
        [AsParameters] InvestigationServices services,
        PollingIntervals intervals,
        [FromQuery] string? limit,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var take = QueryValues.Integer(errors, "limit", limit, 1, MaxActiveLimit) ?? DefaultActiveLimit;
        if (!errors.IsEmpty) return errors.ToProblem();

        // The newest `take` of each unfinished status hold the newest `take` overall.
        var identity = services.Identity;
        var active = new List<Investigation>();
        foreach (var status in ActiveStatuses)
        {
            var page = await services.Investigations.ListAsync(
                identity.TenantId, new InvestigationQuery(status, UserId: identity.UserId), new PageRequest(1, take), cancellationToken);
            active.AddRange(page.Items);
        }
        var newest = active.OrderByDescending(i => i.UpdatedAt).ThenBy(i => i.InvestigationId, StringComparer.Ordinal).Take(take)
            .Select(i => PollingSummaryResponse.From(i, intervals.For(i))).ToList();
        var interval = newest.Count == 0 ? intervals.Slowest : newest.Min(i => i.RecommendedIntervalMs);
        services.HttpContext.Response.Headers[PollingIntervals.Header] = interval.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(new ActiveInvestigationsResponse(newest, newest.Count, interval));
    }
}
