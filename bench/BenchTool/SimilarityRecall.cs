using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Pgvector.Npgsql;
using PgVector = Pgvector.Vector;

/// <summary>
/// similar &lt;base url&gt; &lt;tenant&gt; &lt;random|path.f32&gt; &lt;queries&gt; &lt;server pid&gt; &lt;postgres connection string&gt;: the
/// similar-anomaly search through the API at 100k, on both paths (<c>exact: true</c> and the default path), each
/// with its recall@10 against a ground truth computed by PostgreSQL alone in the same run — every candidate's
/// <c>&lt;=&gt;</c> with index scans off, ties by anomaly_id (the server's exact path no longer runs in PostgreSQL, so
/// it cannot be its own reference). recall@10 = |answer ∩ truth| / |truth|. Latency at concurrency 1 (each path; a
/// warm-up pass first) and at concurrency 8 (default path), the server process's CPU per request (/proc), the load
/// average, and the CPU per request of the database's PostgreSQL backends (<see cref="BackendCpu"/>). Query vectors: random unit vectors, or the held-out tail of a MiniLM .f32 file
/// (<see cref="Seeder.AnomaliesAsync"/> seeds from the rest).
/// </summary>
internal static class SimilarityRecall
{
    public static async Task RunAsync(Uri server, string tenant, string source, int count, int serverPid, string postgres)
    {
        var random = new Random(99);
        var queries = source == "random"
            ? Enumerable.Range(0, count).Select(_ => Seeder.RandomUnit(random)).ToArray()
            : Seeder.HeldOut(source, count);
        var truth = await TruthAsync(postgres, tenant, queries);
        var database = new NpgsqlConnectionStringBuilder(postgres).Database ?? "";
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", "bench");

        Console.WriteLine($"| path | concurrency | queries | P50 ms | P99 ms | recall@10 mean | min | server CPU ms/req | PostgreSQL CPU ms/req | load avg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        await PassAsync(client, queries, exact: true, 1); // warm-up of both paths (and the exact index's load), not counted
        await PassAsync(client, queries, exact: false, 1);
        var (exactIds, exactStats) = await MeasureAsync(client, queries, exact: true, 1, serverPid, database);
        var (defaultIds, defaultStats) = await MeasureAsync(client, queries, exact: false, 1, serverPid, database);
        var (_, concurrentStats) = await MeasureAsync(client, queries, exact: false, 8, serverPid, database);
        var exactRecall = Recalls(exactIds, truth);
        var defaultRecall = Recalls(defaultIds, truth);
        Console.WriteLine($"| exact: true | 1 | {exactStats} {exactRecall.Average():0.000} | {exactRecall.Min():0.0} | {exactStats.Cpu} | {exactStats.PgCpu} | {exactStats.Load} |");
        Console.WriteLine($"| default | 1 | {defaultStats} {defaultRecall.Average():0.000} | {defaultRecall.Min():0.0} | {defaultStats.Cpu} | {defaultStats.PgCpu} | {defaultStats.Load} |");
        Console.WriteLine($"| default | 8 | {concurrentStats} {defaultRecall.Average():0.000} (c=1 answers) | – | {concurrentStats.Cpu} | {concurrentStats.PgCpu} | {concurrentStats.Load} |");
    }

    private static List<double> Recalls(List<string>[] answers, List<string>[] truth)
        => Enumerable.Range(0, truth.Length)
            .Select(q => truth[q].Count == 0 ? 1.0 : answers[q].Intersect(truth[q]).Count() / (double)truth[q].Count).ToList();

    /// <summary>The true top 10 of each query, ranked by PostgreSQL (a sequential scan: no index can approximate it).</summary>
    private static async Task<List<string>[]> TruthAsync(string postgres, string tenant, float[][] queries)
    {
        var builder = new NpgsqlDataSourceBuilder(postgres);
        builder.UseVector();
        await using var dataSource = builder.Build();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("SET enable_indexscan = off; SET enable_bitmapscan = off", connection))
            await off.ExecuteNonQueryAsync();
        var truth = new List<string>[queries.Length];
        for (var q = 0; q < queries.Length; q++)
        {
            await using var command = new NpgsqlCommand(
                "SELECT anomaly_id FROM anomaly_events WHERE tenant_id = $1 AND embedding IS NOT NULL ORDER BY embedding <=> $2, anomaly_id LIMIT 10",
                connection);
            command.Parameters.AddWithValue(tenant);
            command.Parameters.AddWithValue(new PgVector(queries[q]));
            truth[q] = [];
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) truth[q].Add(reader.GetString(0));
        }
        return truth;
    }

    private sealed record Stats(int Count, double P50, double P99, string Cpu, string PgCpu, string Load)
    {
        public override string ToString() => $"{Count} | {P50:0.0} | {P99:0.0} |";
    }

    private static async Task<(List<string>[] Ids, Stats Stats)> MeasureAsync(HttpClient client, float[][] queries, bool exact, int concurrency, int serverPid, string database)
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var cpuBefore = CpuMs(serverPid);
        var backendsBefore = BackendCpu.Sample(database);
        var (ids, latencies) = await PassAsync(client, queries, exact, concurrency);
        var cpu = ((CpuMs(serverPid) - cpuBefore) / queries.Length).ToString("0.00", CultureInfo.InvariantCulture);
        var pgCpu = BackendCpu.PerRequest(BackendCpu.Between(backendsBefore, BackendCpu.Sample(database)), queries.Length);
        latencies.Sort();
        return (ids, new Stats(queries.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.99), cpu, pgCpu, load));
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
