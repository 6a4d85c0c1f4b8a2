using System.Globalization;

/// <summary>
/// What else happened while each row of bench/run.sh was measured, so that a tail (a P99 far above its P50) can be
/// attributed instead of guessed at: the server's garbage collections and their pauses (dotnet-counters' System.Runtime
/// CSV, one line per counter and second), the WAL the row wrote and its full-page images (pg_stat_wal before and after),
/// and what PostgreSQL's processes were doing, sampled every 0.2 s from pg_stat_activity: the wait events of the
/// database's active backends, whether the checkpointer was between checkpoints, and which autovacuum workers ran.
/// </summary>
internal static class RowDiagnostics
{
    private sealed record Window(string Label, double Start, double End, long WalBytes, long FullPageImages);
    private sealed record Counter(double Time, string Name, double Value);
    private sealed record Activity(double Time, string BackendType, string Wait, string Detail);

    /// <summary>windows: label TAB start TAB end TAB wal bytes TAB full-page images (epoch seconds); counters: dotnet-counters CSV
    /// (may be absent); activity: epoch|backend type|wait|detail lines.</summary>
    public static void Print(string windowsPath, string countersPath, string activityPath)
    {
        var windows = File.ReadLines(windowsPath).Select(l => l.Split('\t')).Where(f => f.Length == 5)
            .Select(f => new Window(f[0], Seconds(f[1]), Seconds(f[2]), long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture)))
            .ToList();
        var counters = File.Exists(countersPath) ? ReadCounters(countersPath) : [];
        var activity = File.Exists(activityPath) ? ReadActivity(activityPath) : [];

        Console.WriteLine("| row | GC gen0 / gen1 / gen2 | GC pause ms (worst second) | WAL MB / full-page images | checkpointer | autovacuum | active backends' waits (0.2-s samples) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var window in windows)
        {
            // A counter line reports the second that ends at its timestamp.
            var inWindow = counters.Where(c => c.Time > window.Start && c.Time <= window.End + 1).ToList();
            double Sum(string prefix) => inWindow.Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value);
            var pauses = inWindow.Where(c => c.Name.StartsWith("dotnet.gc.pause.time", StringComparison.Ordinal)).Select(c => c.Value * 1000).ToList();
            var gc = counters.Count == 0
                ? "– (no dotnet-counters)"
                : $"{Sum("dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen0]"):0} / {Sum("dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen1]"):0} / {Sum("dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen2]"):0}";
            var pause = pauses.Count == 0 ? "–" : $"{pauses.Sum():0} ({pauses.Max():0})";

            var samples = activity.Where(a => a.Time >= window.Start && a.Time <= window.End).ToList();
            var checkpointer = samples.Where(a => a.BackendType == "checkpointer").ToList();
            var busy = checkpointer.Where(a => a.Wait != "Activity:CheckpointerMain").ToList();
            var checkpoint = checkpointer.Count == 0
                ? "–"
                : busy.Count == 0 ? "idle" : $"checkpointing {100.0 * busy.Count / checkpointer.Count:0}%" + (busy.Any(a => a.Wait.Contains("Sync", StringComparison.Ordinal)) ? ", fsync" : "");
            var vacuums = samples.Where(a => a.BackendType == "autovacuum worker").Select(a => a.Detail).Distinct().ToList();
            var sampleTimes = samples.Select(a => a.Time).Distinct().Count();
            var waits = samples.Where(a => a.BackendType == "client backend").GroupBy(a => a.Wait)
                .OrderByDescending(g => g.Count()).Take(4).Select(g => $"{g.Key} {g.Count()}");

            Console.WriteLine($"| {window.Label} | {gc} | {pause} | {window.WalBytes / 1048576.0:0} / {window.FullPageImages:N0} | {checkpoint} | " +
                $"{(vacuums.Count == 0 ? "–" : string.Join("; ", vacuums))} | {(sampleTimes == 0 ? "–" : $"{(waits.Any() ? string.Join(", ", waits) : "none active")} ({sampleTimes} samples)")} |");
        }
    }

    private static double Seconds(string epoch) => double.Parse(epoch, CultureInfo.InvariantCulture);

    private static List<Counter> ReadCounters(string path)
        => File.ReadLines(path).Skip(1).Select(l => l.Split(',')).Where(f => f.Length >= 5)
            .Select(f => new Counter(
                new DateTimeOffset(DateTime.ParseExact(f[0], "MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal)).ToUnixTimeSeconds(),
                f[2], double.TryParse(f[^1], CultureInfo.InvariantCulture, out var v) ? v : 0))
            .ToList();

    private static List<Activity> ReadActivity(string path)
        => File.ReadLines(path).Select(l => l.Split('|')).Where(f => f.Length == 4 && double.TryParse(f[0], CultureInfo.InvariantCulture, out _))
            .Select(f => new Activity(Seconds(f[0]), f[1], f[2], f[3])).ToList();
}
