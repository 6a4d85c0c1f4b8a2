using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Olorin.Core.Embeddings;
using Olorin.Core.Models;
using Olorin.Embeddings;
using PgVector = Pgvector.Vector;
using Pgvector.Npgsql;

// bench/BenchTool vector modes: the measurements behind the HNSW parameters and the exact/approximate switch (docs/performance.md, "Similarity").
//   embed <count> <out.f32> [seed]
//       all-MiniLM-L6-v2 embeddings of <count> anomalies as the server embeds them (EmbeddingTexts.ForAnomaly over
//       generated metrics, cohorts, evidence and detector types), raw little-endian float32, 384 per vector.
//   sweep <connection string> <random|path.f32> <rows> <queries> <[vector|halfvec|bit:]m:ef_construction,...> <ef_search,...> [noise]
//       loads <rows> vectors into a scratch table (COPY), ranks <queries> held-out queries exactly in memory, then for
//       each index build and ef_search prints recall@10 and P50/P99 latency of the server's query at concurrency 1,
//       and the same for the exact scan (index scans off). From a .f32 file, rows beyond the file's vectors are
//       perturbations of real ones (Gaussian noise of <noise> per coordinate, renormalised). An index on halfvec or on
//       binary_quantize(embedding) is queried for ef_search candidates by its own distance, re-ranked exactly on the
//       full vectors. Each line also gives the PostgreSQL backend's CPU per query (/proc) and the load average.
internal static class VectorSweep
{
    private const int Dim = 384;
    private const int K = 10;

    public static async Task EmbedAsync(int count, string path, int seed)
    {
        var random = new Random(seed);
        string[] metrics = ["chargeback_rate", "decline_rate", "tx_count", "tx_amount_sum", "refund_rate", "avg_ticket", "card_testing_attempts",
            "new_device_share", "velocity_1h", "cross_border_share", "3ds_failure_rate", "account_takeover_signals", "login_failures",
            "password_resets", "promo_abuse_rate", "bin_attack_score", "ip_diversity", "shipping_mismatch_rate", "friendly_fraud_rate",
            "authorization_latency", "dispute_count", "cvv_mismatch_rate", "avs_mismatch_rate", "gift_card_share", "night_tx_share"];
        string[] countries = ["DE", "US", "GB", "FR", "BR", "IN", "NG", "NL", "ES", "IT", "MX", "JP", "PL", "TR", "ZA"];
        string[] channels = ["web", "ios", "android", "pos", "moto", "api"];
        string[] methods = ["mad", "zscore", "iqr", "ewma", "seasonal"];
        var types = Enum.GetValues<DetectorType>();
        var severities = Enum.GetValues<AnomalySeverity>();
        var texts = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var expected = Math.Round(random.NextDouble() * 200, 2);
            var observed = Math.Round(expected * (1 + random.NextDouble() * 6), 2);
            var anomaly = new AnomalyEvent
            {
                Metric = metrics[random.Next(metrics.Length)],
                Severity = severities[random.Next(severities.Length)],
                Cohort = new JsonObject
                {
                    ["merchant"] = $"m-{random.Next(5_000)}",
                    ["country"] = countries[random.Next(countries.Length)],
                    ["channel"] = channels[random.Next(channels.Length)],
                },
                Evidence = new JsonObject
                {
                    ["z"] = Math.Round(2 + random.NextDouble() * 8, 2),
                    ["method"] = methods[random.Next(methods.Length)],
                    ["window_minutes"] = 15 * (1 + random.Next(8)),
                },
                Observed = observed,
                Expected = expected,
                Score = Math.Round(random.NextDouble() * 10, 2),
            };
            texts.Add(EmbeddingTexts.ForAnomaly(anomaly, types[random.Next(types.Length)]));
        }
        using var model = new MiniLmTextEmbedder(64);
        model.StartLoading();
        if (!await model.WhenReadyAsync()) throw new InvalidOperationException(model.FailureReason);
        var watch = Stopwatch.StartNew();
        await using var output = File.Create(path);
        foreach (var chunk in texts.Chunk(1_000))
        {
            var vectors = await model.EmbedAsync(chunk);
            foreach (var vector in vectors) output.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
            Console.Error.WriteLine($"{output.Length / (Dim * 4)} embedded, {output.Length / (Dim * 4) / watch.Elapsed.TotalSeconds:0} /s");
        }
    }

    private static float[][] ReadVectors(string path)
    {
        var all = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
        return Enumerable.Range(0, all.Length / Dim).Select(i => all[(i * Dim)..((i + 1) * Dim)]).ToArray();
    }

    private static float[] Normalise(float[] v)
    {
        var norm = MathF.Sqrt(Dot(v, v));
        for (var i = 0; i < v.Length; i++) v[i] /= norm;
        return v;
    }

    private static float[] Gaussian(Random random, int n, double sigma)
    {
        var v = new float[n];
        for (var i = 0; i < n; i++)
            v[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return v;
    }

    private static float Dot(float[] a, float[] b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            sum += new Vector<float>(a, i) * new Vector<float>(b, i);
        var total = Vector.Dot(sum, Vector<float>.One);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    public static async Task SweepAsync(string connection, string source, int rows, int queryCount, List<(string Kind, int M, int Efc)> builds, List<int> efSearches, double noise)
    {
        var random = new Random(7);
        float[][] data, queries;
        string label;
        if (source == "random")
        {
            data = Enumerable.Range(0, rows).Select(_ => Normalise(Gaussian(random, Dim, 1))).ToArray();
            queries = Enumerable.Range(0, queryCount).Select(_ => Normalise(Gaussian(random, Dim, 1))).ToArray();
            label = $"random unit vectors, {rows:N0} rows";
        }
        else
        {
            var real = ReadVectors(source);
            queries = real[^queryCount..];
            var pool = real[..^queryCount];
            data = new float[rows][];
            for (var i = 0; i < rows; i++)
            {
                if (i < pool.Length) { data[i] = pool[i]; continue; }
                var basis = pool[random.Next(pool.Length)];
                var n = Gaussian(random, Dim, noise);
                for (var d = 0; d < Dim; d++) n[d] += basis[d];
                data[i] = Normalise(n);
            }
            label = $"MiniLM embeddings: {Math.Min(rows, pool.Length):N0} real + {Math.Max(0, rows - pool.Length):N0} perturbed (noise {noise}), held-out real queries";
        }
        Console.WriteLine($"## {label}, {queries.Length} queries, k={K}");

        var truth = new HashSet<int>[queries.Length];
        var exactWatch = Stopwatch.StartNew();
        Parallel.For(0, queries.Length, q =>
        {
            var best = new PriorityQueue<int, float>();
            for (var i = 0; i < data.Length; i++)
            {
                best.Enqueue(i, Dot(queries[q], data[i]));
                if (best.Count > K) best.Dequeue();
            }
            truth[q] = [.. best.UnorderedItems.Select(x => x.Element)];
        });
        Console.Error.WriteLine($"ground truth in {exactWatch.Elapsed.TotalSeconds:0.0} s");

        var builder = new NpgsqlDataSourceBuilder(connection);
        builder.UseVector();
        await using var dataSource = builder.Build();
        await using (var setup = await dataSource.OpenConnectionAsync())
        {
            await Exec(setup, "CREATE EXTENSION IF NOT EXISTS vector");
            await setup.ReloadTypesAsync();
            await Exec(setup, "DROP TABLE IF EXISTS vector_sweep");
            // Shaped like anomaly_events' search columns: the tenant filter, the key, the vector.
            await Exec(setup, "CREATE TABLE vector_sweep (tenant_id varchar(255) NOT NULL, id integer NOT NULL, embedding vector(384), PRIMARY KEY (tenant_id, id))");
            var load = Stopwatch.StartNew();
            await using (var writer = await setup.BeginBinaryImportAsync("COPY vector_sweep (tenant_id, id, embedding) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < data.Length; i++)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync("vec", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(i, NpgsqlDbType.Integer);
                    await writer.WriteAsync(new PgVector(data[i]));
                }
                await writer.CompleteAsync();
            }
            await Exec(setup, "VACUUM ANALYZE vector_sweep");
            Console.WriteLine($"COPY of {data.Length:N0} vectors: {load.Elapsed.TotalSeconds:0.0} s");
        }

        Console.WriteLine("| path | index on | m | ef_construction | build s | index MB | ef_search (candidates) | recall@10 mean | min | P50 ms | P99 ms | backend CPU ms/query | load avg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var workers in new[] { 0, 2 })
        {
            var r = await MeasureAsync(dataSource, queries, truth,
                [$"SET LOCAL enable_indexscan = off", $"SET LOCAL max_parallel_workers_per_gather = {workers}"], PlainQuery);
            Console.WriteLine($"| exact, {workers} parallel workers | – | – | – | – | – | – | {r}");
        }
        foreach (var (kind, m, efc) in builds)
        {
            await using var connectionForBuild = await dataSource.OpenConnectionAsync();
            await Exec(connectionForBuild, "DROP INDEX IF EXISTS vector_sweep_hnsw");
            await Exec(connectionForBuild, "SET maintenance_work_mem = '2GB'");
            var build = Stopwatch.StartNew();
            await Exec(connectionForBuild, $"CREATE INDEX vector_sweep_hnsw ON vector_sweep USING hnsw ({IndexExpression(kind)}) WITH (m = {m}, ef_construction = {efc})");
            var seconds = build.Elapsed.TotalSeconds;
            await using (var size = new NpgsqlCommand("SELECT pg_relation_size('vector_sweep_hnsw') / 1048576", connectionForBuild))
            {
                var megabytes = Convert.ToInt64(await size.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                foreach (var ef in efSearches)
                {
                    var r = await MeasureAsync(dataSource, queries, truth,
                        [$"SET LOCAL hnsw.ef_search = {Math.Min(ef, 1000)}", "SET LOCAL hnsw.iterative_scan = relaxed_order"], RerankQuery(kind, ef));
                    Console.WriteLine($"| HNSW{(kind == "vector" ? "" : " + exact re-rank")} | {kind} | {m} | {efc} | {seconds:0} | {megabytes} | {ef} | {r}");
                }
            }
        }
    }

    private const string PlainQuery = "SELECT id FROM vector_sweep WHERE tenant_id = $1 AND embedding IS NOT NULL ORDER BY embedding <=> $2 LIMIT 10";

    /// <summary>vector: the full vectors (the server's index; vector-rerank: the same index, ef_search candidates fetched and re-ranked, as the server queries it); halfvec: half precision, half the size; bit: binary quantisation (1 bit per dimension).</summary>
    private static string IndexExpression(string kind) => kind switch
    {
        "vector" or "vector-rerank" => "embedding vector_cosine_ops",
        "halfvec" => "(embedding::halfvec(384)) halfvec_cosine_ops",
        "bit" => "(binary_quantize(embedding)::bit(384)) bit_hamming_ops",
        _ => throw new ArgumentException($"unknown index kind {kind}"),
    };

    /// <summary>
    /// The index's <paramref name="candidates"/> nearest by its own (quantised) distance, then ranked exactly on the
    /// full vectors; for the full-vector index the plain query (its order is already the exact distance).
    /// </summary>
    private static string RerankQuery(string kind, int candidates)
    {
        var order = kind switch
        {
            "vector" => null,
            "vector-rerank" => "embedding <=> $2",
            "halfvec" => "embedding::halfvec(384) <=> $2::halfvec(384)",
            _ => "binary_quantize(embedding)::bit(384) <~> binary_quantize($2)",
        };
        return order is null
            ? PlainQuery
            : $"SELECT id FROM (SELECT id, embedding FROM vector_sweep WHERE tenant_id = $1 AND embedding IS NOT NULL ORDER BY {order} LIMIT {candidates}) c ORDER BY embedding <=> $2 LIMIT 10";
    }

    private sealed record Result(double Recall, double Min, double P50, double P99, double CpuMs, string Load)
    {
        public override string ToString() => $"{Recall:0.000} | {Min:0.0} | {P50:0.0} | {P99:0.0} | {CpuMs:0.0} | {Load} |";
    }

    private static async Task<Result> MeasureAsync(
        NpgsqlDataSource dataSource, float[][] queries, HashSet<int>[] truth, string[] settings, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        int backend;
        await using (var pid = new NpgsqlCommand("SELECT pg_backend_pid()", connection))
            backend = (int)(await pid.ExecuteScalarAsync())!;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var latencies = new List<double>();
        var recalls = new List<double>();
        var cpu = 0.0;
        for (var pass = 0; pass < 2; pass++) // the first pass warms the cache and is not counted
        {
            latencies.Clear();
            recalls.Clear();
            var cpuBefore = BackendCpuMs(backend);
            for (var q = 0; q < queries.Length; q++)
            {
                var watch = Stopwatch.StartNew();
                await using var transaction = await connection.BeginTransactionAsync();
                foreach (var setting in settings) await Exec(connection, setting);
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                command.Parameters.Add(new NpgsqlParameter { Value = "vec", NpgsqlDbType = NpgsqlDbType.Varchar });
                command.Parameters.Add(new NpgsqlParameter { Value = new PgVector(queries[q]) });
                var found = new HashSet<int>();
                await using (var reader = await command.ExecuteReaderAsync())
                    while (await reader.ReadAsync()) found.Add(reader.GetInt32(0));
                await transaction.CommitAsync();
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                recalls.Add(found.Intersect(truth[q]).Count() / (double)K);
            }
            cpu = (BackendCpuMs(backend) - cpuBefore) / queries.Length;
        }
        latencies.Sort();
        return new Result(recalls.Average(), recalls.Min(), Percentile(latencies, 0.50), Percentile(latencies, 0.99), cpu, load);
    }

    /// <summary>User + system CPU of a PostgreSQL backend (same machine), from /proc/&lt;pid&gt;/stat, in ms (clock ticks of 10 ms).</summary>
    private static double BackendCpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
