using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Configuration;

/// <summary>The Server-Sent Events stream of an investigation's changes (<c>GET …/{id}/events</c>).</summary>
public sealed class LiveChangesOptions
{
    /// <summary>A <c>heartbeat</c> event after this long without another event, so proxies keep the connection.</summary>
    [ConfigurationKeyName("SSE_HEARTBEAT_INTERVAL_SECONDS")]
    public int HeartbeatIntervalSeconds { get; set; } = 30;

    /// <summary>The stream ends after this long; clients reconnect with <c>Last-Event-ID</c> or fall back to polling.</summary>
    [ConfigurationKeyName("SSE_MAX_DURATION_SECONDS")]
    public int MaxDurationSeconds { get; set; } = 300;

    /// <summary>How often a stream reads the stored changes (the audit trail) for new ones.</summary>
    [ConfigurationKeyName("SSE_POLL_INTERVAL_MILLISECONDS")]
    public int PollIntervalMilliseconds { get; set; } = 500;
}
