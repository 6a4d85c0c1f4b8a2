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
}
