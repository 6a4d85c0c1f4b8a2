using System.Globalization;

/// <summary>
/// CPU time (user + system, ms) of the PostgreSQL backends connected to one database, from /proc: each backend's
/// process title (its cmdline) reads <c>postgres: &lt;user&gt; &lt;database&gt; …</c>. A backend that exits between two
/// samples is not counted (as in bench/run.sh).
/// </summary>
internal static class BackendCpu
{
    public static Dictionary<int, double> Sample(string database)
    {
        var ticks = new Dictionary<int, double>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var title = File.ReadAllText($"{dir}/cmdline").Replace('\0', ' ');
                if (!title.StartsWith("postgres: ", StringComparison.Ordinal) || !title.Contains($" {database} ", StringComparison.Ordinal)) continue;
                ticks[pid] = SimilarityRecall.CpuMs(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return ticks;
    }

    /// <summary>CPU ms the backends alive in both samples used between them.</summary>
    public static double Between(Dictionary<int, double> before, Dictionary<int, double> after)
        => after.Where(a => before.ContainsKey(a.Key)).Sum(a => a.Value - before[a.Key])
           + after.Where(a => !before.ContainsKey(a.Key)).Sum(a => a.Value);

    public static string PerRequest(double ms, int requests) => (ms / requests).ToString("0.00", CultureInfo.InvariantCulture);
}
