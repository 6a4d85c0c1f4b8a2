using System.Diagnostics;

namespace Olorin.Cli.Cli;

/// <summary>
/// The command's rates as an operator sees them: over the phase's wall clock (collections overlap under
/// <c>--parallel</c>, so their own clocks add up to more than it) and over the whole process, start-up included.
/// </summary>
public static class CommandClock
{
    /// <summary>Seconds since this process started (runtime start-up included).</summary>
    public static double ProcessSeconds => (DateTime.UtcNow - Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalSeconds;

    public static double Rate(long documents, double seconds) => seconds > 0 ? documents / seconds : 0;
}
