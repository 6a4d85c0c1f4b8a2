using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Observability;

/// <summary>Metrics endpoint, log file and the runbook's rollback thresholds (defaults: the runbook's "When to Rollback").</summary>
public sealed class ObservabilityOptions
{
    [ConfigurationKeyName("ENABLE_METRICS")]
    public bool MetricsEnabled { get; set; } = true;

    [ConfigurationKeyName("LOG_FILE")]
    public string? LogFile { get; set; }

    [ConfigurationKeyName("ROLLBACK_ERROR_RATE_PERCENT")]
    public double ErrorRatePercent { get; set; } = 5;

    [ConfigurationKeyName("ROLLBACK_P99_LATENCY_MS")]
    public double P99LatencyMs { get; set; } = 1000;

    [ConfigurationKeyName("ROLLBACK_POOL_USAGE_PERCENT")]
    public double PoolUsagePercent { get; set; } = 100;

    [ConfigurationKeyName("ROLLBACK_WINDOW_SECONDS")]
    public int WindowSeconds { get; set; } = 60;

    [ConfigurationKeyName("ROLLBACK_MIN_REQUESTS")]
    public int MinRequests { get; set; } = 10;
}
