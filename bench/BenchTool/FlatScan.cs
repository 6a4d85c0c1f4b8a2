using System.Diagnostics;
using Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// flat &lt;vectors&gt; &lt;queries&gt;: the in-process exact index's scan alone (<see cref="TenantVectors.Nearest"/>), no
/// HTTP, no database: random unit vectors of 384 dimensions, top 10 of each query, wall time per query (P50/P99) and the
/// process's CPU per query, which does not depend on what else the machine runs.
/// </summary>
internal static class FlatScan
{
    public static void Run(int count, int queries)
    {
        var random = new Random(7);
        var vectors = new TenantVectors(384);
        for (var i = 0; i < count; i++) vectors.Upsert($"a-{i:D7}", 1, $"d-{i % 8}", Seeder.RandomUnit(random));
        vectors.TrimExcess();
        var probes = Enumerable.Range(0, queries).Select(_ => Seeder.RandomUnit(random)).ToArray();
        foreach (var probe in probes.Take(5)) vectors.Nearest(probe, 10, null, null, null); // warm-up (JIT)
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var latencies = new List<double>();
        foreach (var probe in probes)
        {
            var watch = Stopwatch.StartNew();
            vectors.Nearest(probe, 10, null, null, null);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / queries;
        latencies.Sort();
        Console.WriteLine($"| flat scan | {count} | {queries} | {latencies[queries / 2]:0.00} | {latencies[Math.Min(queries - 1, (int)Math.Ceiling(0.99 * queries) - 1)]:0.00} | {cpu:0.00} | {vectors.Bytes / 1048576.0:0.0} MiB | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} |");
    }
}
