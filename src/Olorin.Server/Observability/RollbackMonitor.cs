using System.Diagnostics.Metrics;
using System.Globalization;
using Olorin.Core.Observability;

namespace Olorin.Server.Observability;

/// <summary>
/// The runbook's rollback triggers as numbers: the error rate (5xx / all) and P99 latency of the requests answered
/// in the last <c>ROLLBACK_WINDOW_SECONDS</c>, and the serving pool's usage now. Requests are read from ASP.NET
/// Core's own <c>http.server.request.duration</c> (the histogram <c>/metrics</c> exports), of this host only;
/// the probe and scrape endpoints (<c>/health*</c>, <c>/status*</c>, <c>/metrics</c>) are not traffic and are left out.
/// </summary>
public sealed class RollbackMonitor : IDisposable
{
    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private const string RequestDuration = "http.server.request.duration";

    private readonly ObservabilityOptions _options;
    private readonly IReadOnlyList<IConnectionPoolProbe> _probes;
    private readonly LatencyWindow _window;
    private readonly MeterListener _listener = new();

    public RollbackMonitor(IMeterFactory meterFactory, IOptions<ObservabilityOptions> options, IEnumerable<IConnectionPoolProbe> probes, TimeProvider clock)
    {
        _options = options.Value;
        _probes = probes.ToList();
        _window = new LatencyWindow(TimeSpan.FromSeconds(_options.WindowSeconds), clock);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Meters are process-wide; the factory tells this host's requests from another in-process host's.
            if (instrument.Meter.Name == HostingMeter && instrument.Name == RequestDuration && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) => Observe(seconds, tags));
        _listener.Start();
    }

    private void Observe(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var status = 0;
        foreach (var (key, value) in tags)
        {
            if (key == "http.route" && value is string route && IsOperationalRoute(route)) return;
            if (key == "http.response.status_code" && value is int code) status = code;
        }
        _window.Record(TimeSpan.FromSeconds(seconds), status >= 500);
    }

    public static bool IsOperationalRoute(string route)
        => route.StartsWith("/health", StringComparison.Ordinal) || route.StartsWith("/status", StringComparison.Ordinal) || route == "/metrics";

    public RollbackReport Evaluate()
    {
        var window = _window.Summarize();
        var pools = _probes.Select(p => (p.Backend, State: p.Read())).ToList();
        var reasons = new List<string>();
        var seconds = (int)_window.Window.TotalSeconds;
        if (window.Requests >= _options.MinRequests)
        {
            if (window.ErrorRatePercent > _options.ErrorRatePercent)
                reasons.Add(Invariant($"error rate {window.ErrorRatePercent}% > {_options.ErrorRatePercent}% ({window.ServerErrors} of {window.Requests} requests answered 5xx in the last {seconds} s)"));
            if (window.P99LatencyMs > _options.P99LatencyMs)
                reasons.Add(Invariant($"P99 latency {window.P99LatencyMs} ms > {_options.P99LatencyMs} ms over the last {seconds} s"));
        }
        foreach (var (backend, state) in pools)
        {
            if (state.Max > 0 && state.UsagePercent >= _options.PoolUsagePercent)
                reasons.Add(Invariant($"{backend} connection pool exhausted: {state.InUse} of {state.Max} connections in use (threshold {_options.PoolUsagePercent}%)"));
        }
        return new RollbackReport(
            new TrafficWindow(seconds, window.Requests, window.ServerErrors, window.ErrorRatePercent, window.P99LatencyMs),
            pools.Select(p => new PoolUsage(p.Backend, p.State.InUse, p.State.Open, p.State.Max, p.State.UsagePercent)).ToList(),
            reasons.Count > 0,
            reasons.Count > 0 ? string.Join("; ", reasons) : null);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();
}

public sealed record RollbackReport(TrafficWindow Window, IReadOnlyList<PoolUsage> Pools, bool RollbackAdvised, string? RollbackReason);

/// <param name="Seconds">The window's length.</param>
/// <param name="Requests">Requests answered in the window (probe and scrape endpoints excluded).</param>
public sealed record TrafficWindow(int Seconds, long Requests, long ServerErrors, double? ErrorRatePercent, double? P99LatencyMs);

public sealed record PoolUsage(string Backend, long InUse, long Open, long Max, double UsagePercent);
