using Olorin.Server.Configuration;

namespace Olorin.Server.Apis.Polling;

/// <summary>
/// How soon a client should poll an investigation again: fast while it runs, slower while it is being set up,
/// slowest once it is finished. Computed from the stored state alone, so it is the same on every instance and tab.
/// </summary>
public sealed class PollingIntervals(IOptions<PollingOptions> options)
{
    public const string Header = "X-Recommended-Interval";

    public int For(Investigation investigation) => investigation.Status switch
    {
        InvestigationStatus.InProgress => options.Value.FastIntervalMs,
        InvestigationStatus.Created or InvestigationStatus.Settings => options.Value.NormalIntervalMs,
        _ => options.Value.SlowIntervalMs,
    };

    /// <summary>For what no longer changes by itself (a finished or deleted investigation, nothing to follow).</summary>
    public int Slowest => options.Value.SlowIntervalMs;

}
