using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Olorin.Server.Configuration;
using Olorin.Server.Identity;

namespace Olorin.Server.Apis.Polling;

/// <summary>
/// The polling API's rate limit: ASP.NET Core's rate limiter with one fixed window per tenant+user
/// (<c>RATE_LIMIT_MAX_REQUESTS</c> per <c>RATE_LIMIT_WINDOW_SECONDS</c>). The caller is named by
/// <see cref="IRequestIdentityResolver"/>, so the partition follows whatever identity scheme is plugged in there.
/// It is installed as the middleware's global limiter (no limit off the polling routes) rather than as a named
/// policy because the <c>X-RateLimit-Remaining</c> header needs the partition's statistics, which only the owner of
/// the <see cref="PartitionedRateLimiter{TResource}"/> can read.
/// </summary>
public sealed class PollingRateLimiter : IDisposable
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";
    public const string ResetHeader = "X-RateLimit-Reset";

    private readonly PollingOptions _options;
    private readonly TimeProvider _clock;
    private readonly IRequestIdentityResolver _identity;
    /// <summary>When each partition's current limiter started: its windows follow on from there.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _windowOrigins = new(StringComparer.Ordinal);

    public PollingRateLimiter(IOptions<PollingOptions> options, TimeProvider clock, IRequestIdentityResolver identity)
    {
        _options = options.Value;
        _clock = clock;
        _identity = identity;
        Limiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    private TimeSpan Window => TimeSpan.FromSeconds(_options.RateLimitWindowSeconds);

    private RateLimitPartition<string> Partition(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PollingRateLimitedAttribute>() is null)
            return RateLimitPartition.GetNoLimiter(string.Empty);
        var key = KeyOf(context);
        return RateLimitPartition.Get(key, k =>
        {
            _windowOrigins[k] = _clock.GetUtcNow();
            return new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = _options.RateLimitMaxRequests,
                Window = Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    /// <summary>Tenant and user, unambiguously joined (neither may contain a line feed in a header).</summary>
    private string KeyOf(HttpContext context)
    {
        var identity = _identity.Resolve(context);
        return $"{identity.TenantId}\n{identity.UserId}";
    }

    /// <summary>Seconds until the caller's current window ends (at least 1).</summary>
    public int SecondsUntilReset(HttpContext context)
    {
        var now = _clock.GetUtcNow();
        var origin = _windowOrigins.TryGetValue(KeyOf(context), out var o) ? o : now;
        var windows = Math.Floor((now - origin) / Window) + 1;
        return Math.Max(1, (int)Math.Ceiling((origin + windows * Window - now).TotalSeconds));
    }

    /// <summary>Sets <c>X-RateLimit-Limit/Remaining/Reset</c> (Reset: seconds until the window ends).</summary>
    public void WriteHeaders(HttpContext context)
    {
        var remaining = Limiter.GetStatistics(context)?.CurrentAvailablePermits ?? 0;
        var headers = context.Response.Headers;
        headers[LimitHeader] = _options.RateLimitMaxRequests.ToString(CultureInfo.InvariantCulture);
        headers[RemainingHeader] = Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture);
        headers[ResetHeader] = SecondsUntilReset(context).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The 429: ProblemDetails with <c>Retry-After</c> and the rate-limit headers.</summary>
    public async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        WriteHeaders(context);
        var retryAfter = SecondsUntilReset(context);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too Many Requests",
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Detail = $"At most {_options.RateLimitMaxRequests} polling requests per {_options.RateLimitWindowSeconds} s; retry after {retryAfter} s.",
            },
        });
    }

    public void Dispose() => Limiter.Dispose();
}

/// <summary>Marks the endpoints <see cref="PollingRateLimiter"/> limits.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class PollingRateLimitedAttribute : Attribute;
