using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>Seeds through the server's bulk endpoints, a few requests in flight, and prints the rate.</summary>
internal static class Seeder
{
    public static async Task ScoresAsync(Uri server, string tenant, string investigationId, int count)
    {
        using var client = Client(server, tenant);
        var watch = Stopwatch.StartNew();
        var random = new Random(1);
        var batches = Enumerable.Range(0, (count + 9_999) / 10_000).Select(b => Enumerable.Range(b * 10_000, Math.Min(10_000, count - b * 10_000))
            .Select(i => new JsonObject
            {
                ["transaction_id"] = $"txn-{i:D7}",
                ["risk_score"] = Math.Round(random.NextDouble(), 4),
                ["score_components"] = new JsonObject { ["device_risk"] = 0.1, ["location_risk"] = 0.2, ["velocity_risk"] = 0.3, ["network_risk"] = 0.4 },
            }).ToList()).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, token) =>
        {
            var body = new JsonObject { ["scores"] = new JsonArray([.. batch]) };
            var response = await client.PostAsJsonAsync($"investigations/{investigationId}/transaction-scores", body, token);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"scores: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}");
        });
        Console.WriteLine($"seeded {count:N0} transaction scores in {watch.Elapsed.TotalSeconds:0.0} s ({count / watch.Elapsed.TotalSeconds:N0}/s) through POST …/transaction-scores");
    }

    /// <summary>
    /// <paramref name="vectors"/>: "random" (random unit vectors, the worst case for an index) or a MiniLM .f32 file
    /// (bench/BenchTool embed): its vectors except the last <see cref="HeldOutQueries"/> (the queries of
    /// <c>similar</c>), then perturbations of them (Gaussian noise 0.02 per coordinate, renormalised) up to the count,
    /// as the sweep builds its realistic set (docs/performance.md, "Similarity").
    /// </summary>
    public static async Task AnomaliesAsync(Uri server, string tenant, int count, string vectors = "random")
    {
        using var client = Client(server, tenant);
        var pool = vectors == "random" ? null : ReadVectors(vectors)[..^HeldOutQueries];
        var watch = Stopwatch.StartNew();
        var batches = Enumerable.Range(0, (count + 999) / 1_000).ToList();
        string[] severities = ["info", "warn", "critical"];
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (b, token) =>
        {
            var random = new Random(b);
            var items = Enumerable.Range(b * 1_000, Math.Min(1_000, count - b * 1_000)).Select(i => (JsonNode?)new JsonObject
            {
                ["anomaly_id"] = $"anom-{i:D6}",
                ["run_id"] = $"run-{i % 100}",
                ["detector_id"] = $"det-{i % 10}",
                ["cohort"] = new JsonObject { ["merchant"] = $"m-{i % 5000}", ["country"] = "DE" },
                ["evidence"] = new JsonObject { ["z"] = Math.Round(random.NextDouble() * 8, 2) },
                ["window"] = new JsonObject { ["start"] = "2026-03-01T00:00:00Z", ["end"] = "2026-03-01T01:00:00Z", ["duration_minutes"] = 60 },
                ["metric"] = "tx_count",
                ["observed"] = 120.0,
                ["expected"] = 40.0,
                ["score"] = Math.Round(random.NextDouble() * 10, 3),
                ["severity"] = severities[i % 3],
                ["embedding"] = new JsonArray([.. (pool is null ? RandomUnit(random) : Realistic(pool, i, random)).Select(v => (JsonNode?)v)]),
            }).ToArray();
            var body = new JsonObject { ["anomalies"] = new JsonArray(items) };
            // A batch is idempotent by anomaly_id, so a 503 (e.g. the 30 s command timeout on an overloaded machine) is retried as is.
            for (var attempt = 1; ; attempt++)
            {
                var response = await client.PostAsJsonAsync("anomalies/bulk", body, token);
                if (response.IsSuccessStatusCode) break;
                var text = await response.Content.ReadAsStringAsync(token);
                if ((int)response.StatusCode != 503 || attempt == 5) throw new InvalidOperationException($"anomalies: {(int)response.StatusCode} {text}");
                Console.Error.WriteLine($"batch {b}: 503, retrying ({attempt})");
            }
        });
        Console.WriteLine($"seeded {count:N0} anomalies with embeddings in {watch.Elapsed.TotalSeconds:0.0} s ({count / watch.Elapsed.TotalSeconds:N0}/s) through POST /anomalies/bulk");
    }

    public const int HeldOutQueries = 100;

    /// <summary>The last <paramref name="count"/> (at most <see cref="HeldOutQueries"/>) vectors of a .f32 file: never seeded.</summary>
    public static float[][] HeldOut(string path, int count) => ReadVectors(path)[^Math.Min(count, HeldOutQueries)..];

    private static float[] Realistic(float[][] pool, int i, Random random)
    {
        if (i < pool.Length) return pool[i];
        var basis = pool[random.Next(pool.Length)];
        var v = new float[basis.Length];
        for (var d = 0; d < v.Length; d++)
            v[d] = basis[d] + (float)(0.02 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        for (var d = 0; d < v.Length; d++) v[d] = MathF.Round(v[d] / norm, 6);
        return v;
    }

    private static float[][] ReadVectors(string path)
    {
        var all = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
        return Enumerable.Range(0, all.Length / 384).Select(i => all[(i * 384)..((i + 1) * 384)]).ToArray();
    }

    /// <summary>A random unit vector (Gaussian coordinates, normalised): the worst case for an HNSW index.</summary>
    public static float[] RandomUnit(Random random)
    {
        var v = new float[384];
        for (var i = 0; i < v.Length; i++)
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        for (var i = 0; i < v.Length; i++) v[i] = MathF.Round(v[i] / norm, 6);
        return v;
    }

    private static HttpClient Client(Uri server, string tenant)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", "bench");
        return client;
    }
}
