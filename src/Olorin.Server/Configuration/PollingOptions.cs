using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Configuration;

/// <summary>
/// The polling API's recommended intervals by investigation state (running, pending, finished) and its per-caller
/// rate limit.
/// </summary>
public sealed class PollingOptions
{
    public const int MinIntervalMs = 100;
    public const int MaxIntervalMs = 600_000;

    /// <summary>While the investigation runs (IN_PROGRESS).</summary>
    [ConfigurationKeyName("POLLING_FAST_INTERVAL_MS")]
    public int FastIntervalMs { get; set; } = 2_000;

    /// <summary>While it is created or being set up (CREATED, SETTINGS).</summary>
    [ConfigurationKeyName("POLLING_NORMAL_INTERVAL_MS")]
    public int NormalIntervalMs { get; set; } = 5_000;

    /// <summary>Once it is finished (COMPLETED, ERROR, CANCELLED).</summary>
    [ConfigurationKeyName("POLLING_SLOW_INTERVAL_MS")]
    public int SlowIntervalMs { get; set; } = 30_000;

    /// <summary>Polling requests one tenant+user may make per window.</summary>
    [ConfigurationKeyName("RATE_LIMIT_MAX_REQUESTS")]
    public int RateLimitMaxRequests { get; set; } = 60;

    [ConfigurationKeyName("RATE_LIMIT_WINDOW_SECONDS")]
    public int RateLimitWindowSeconds { get; set; } = 60;
}
