using Microsoft.AspNetCore.RateLimiting;
using Olorin.Server.Apis.Investigations;

namespace Olorin.Server.Apis.Polling;

public static class PollingRegistration
{
    /// <summary>
    /// What following an investigation needs: the change feed (read by <c>/changes</c>, the event stream and the
    /// polling API), the recommended intervals, and the polling API's rate limit.
    /// </summary>
    public static IServiceCollection AddOlorinPolling(this IServiceCollection services)
    {
        services.AddScoped<InvestigationChangeFeed>();
        services.AddSingleton<PollingIntervals>();
        services.AddSingleton<PollingRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<PollingRateLimiter>((options, limiter) =>
        {
            options.GlobalLimiter = limiter.Limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = limiter.RejectAsync;
        });
        return services;
    }

    /// <summary>
    /// The rate limiter middleware, in a branch taken only by the endpoints <see cref="PollingRateLimiter"/> limits
    /// (<see cref="PollingRateLimitedAttribute"/>; after routing and authentication). Its global limiter gives every
    /// other endpoint no limit, but only after a partition lookup under a lock and a lease per request, which
    /// GET /investigations/{id} and every other API request paid for nothing (docs/performance.md, "Session 7: GET by id").
    /// </summary>
    public static IApplicationBuilder UsePollingRateLimiter(this IApplicationBuilder app)
        => app.UseWhen(context => context.GetEndpoint()?.Metadata is { } metadata
                                  && (metadata.GetMetadata<PollingRateLimitedAttribute>() is not null
                                      // An endpoint given its own policy later (RequireRateLimiting) is limited too.
                                      || metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>() is not null),
            limited => limited.UseRateLimiter());
}
