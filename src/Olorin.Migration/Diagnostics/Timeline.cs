using System.Diagnostics;

namespace Olorin.Migration.Diagnostics;

/// <summary>
/// An opt-in timeline of a command (<c>OLORIN_TRACE=1</c>): one stderr line per step, seconds since the process
/// started (runtime start-up included), so where the wall clock of migrate / verify-migration goes can be read off a
/// run. Off by default: nothing is written and nothing is allocated.
/// </summary>
public static class Timeline
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("OLORIN_TRACE") is "1" or "true";
    private static readonly DateTime ProcessStart = Enabled ? Process.GetCurrentProcess().StartTime.ToUniversalTime() : default;

    public static void Mark(string step)
    {
        if (!Enabled) return;
        var seconds = (DateTime.UtcNow - ProcessStart).TotalSeconds;
        Console.Error.WriteLine(FormattableString.Invariant($"[trace {seconds,7:F3}s t{Environment.CurrentManagedThreadId}] {step}"));
    }
}
