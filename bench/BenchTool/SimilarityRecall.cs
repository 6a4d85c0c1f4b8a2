using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>
/// similar &lt;base url&gt; &lt;tenant&gt; &lt;random|path.f32&gt; &lt;queries&gt; &lt;server pid&gt;: the similar-anomaly search through
/// the API at 100k, on both paths, with the recall of the default path measured in the same run. Every query vector
/// is sent once with <c>exact: true</c> (the exact ranking, the ground truth) and once on the default path; recall@10
/// = |default ∩ exact| / 10. Latency at concurrency 1 (each path; a warm-up pass first) and at concurrency 8 (default
/// path), the server process's CPU per request (/proc), the load average. Query vectors: random unit vectors, or the
/// held-out tail of a MiniLM .f32 file (<see cref="Seeder.AnomaliesAsync"/> seeds from the rest).
/// </summary>
internal static class SimilarityRecall
{
    public static async Task RunAsync(Uri server, string tenant, string source, int count, int serverPid)
    {
        var random = new Random(99);
        var queries = source == "random"
            ? Enumerable.Range(0, count).Select(_ => Seeder.RandomUnit(random)).ToArray()
            : Seeder.HeldOut(source, count);
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", "bench");

        Console.WriteLine($"| path | concurrency | queries | P50 ms | P99 ms | recall@10 mean | min | server CPU ms/req | load avg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        await PassAsync(client, queries, exact: true, 1); // warm-up of both paths, not counted
        await PassAsync(client, queries, exact: false, 1);
        var (exactIds, exactStats) = await MeasureAsync(client, queries, exact: true, 1, serverPid);
        var (defaultIds, defaultStats) = await MeasureAsync(client, queries, exact: false, 1, serverPid);
        var (_, concurrentStats) = await MeasureAsync(client, queries, exact: false, 8, serverPid);
        var recalls = Enumerable.Range(0, queries.Length)
            .Select(q => exactIds[q].Count == 0 ? 1.0 : defaultIds[q].Intersect(exactIds[q]).Count() / (double)exactIds[q].Count).ToList();
        Console.WriteLine($"| exact: true | 1 | {exactStats} 1.000 | 1.0 | {exactStats.Cpu} | {exactStats.Load} |");
        Console.WriteLine($"| default | 1 | {defaultStats} {recalls.Average():0.000} | {recalls.Min():0.0} | {defaultStats.Cpu} | {defaultStats.Load} |");
        Console.WriteLine($"| default | 8 | {concurrentStats} {recalls.Average():0.000} (c=1 answers) | – | {concurrentStats.Cpu} | {concurrentStats.Load} |");
    }

    private sealed record Stats(int Count, double P50, double P99, string Cpu, string Load)
    {
        public override string ToString() => $"{Count} | {P50:0.0} | {P99:0.0} |";
    }

    private static async Task<(List<string>[] Ids, Stats Stats)> MeasureAsync(HttpClient client, float[][] queries, bool exact, int concurrency, int serverPid)
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var cpuBefore = CpuMs(serverPid);
        var (ids, latencies) = await PassAsync(client, queries, exact, concurrency);
        var cpu = ((CpuMs(serverPid) - cpuBefore) / queries.Length).ToString("0.00", CultureInfo.InvariantCulture);
        latencies.Sort();
        return (ids, new Stats(queries.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.99), cpu, load));
    }

    private static async Task<(List<string>[] Ids, List<double> Latencies)> PassAsync(HttpClient client, float[][] queries, bool exact, int concurrency)
    {
        var ids = new List<string>[queries.Length];
        var latencies = new double[queries.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, queries.Length), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (q, token) =>
        {
            var body = new JsonObject
            {
                ["vector"] = new JsonArray([.. queries[q].Select(v => (JsonNode?)v)]),
                ["k"] = 10,
                ["min_similarity"] = -1,
                ["exact"] = exact,
            };
            var watch = Stopwatch.StartNew();
            var response = await client.PostAsJsonAsync("anomalies/search/similar", body, token);
            var text = await response.Content.ReadAsStringAsync(token);
            latencies[q] = watch.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"similar: {(int)response.StatusCode} {text}");
            ids[q] = JsonNode.Parse(text)!["anomalies"]!.AsArray().Select(a => (string)a!["anomaly_id"]!).ToList();
        });
        return (ids, latencies.ToList());
    }

    /// <summary>User + system CPU of a process from /proc/&lt;pid&gt;/stat, in ms (clock ticks of 10 ms).</summary>
    public static double CpuMs(int pid)
    {
        if (pid <= 0) return 0;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
