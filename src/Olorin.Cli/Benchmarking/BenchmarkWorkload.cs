using System.Diagnostics;
using HdrHistogram;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;

namespace Olorin.Cli.Benchmarking;

/// <summary>The runbook's seven query types and their P99 targets (ms).</summary>
public static class QueryTypes
{
    public static readonly (string Name, double TargetP99Ms)[] All =
    [
        ("simple", 100), ("indexed", 100), ("pagination", 200), ("aggregation", 500), ("insert", 100), ("update", 100), ("vector", 500),
    ];
}

public sealed record QueryResult(string Query, long Count, double P50Ms, double P95Ms, double P99Ms, double MeanMs, double MaxMs, double TargetP99Ms, double? RecallAt10, long Errors)
{
    public bool Passed => Errors == 0 && P99Ms < TargetP99Ms;
}

/// <summary>
/// Runs each query type through the repository ports of one backend (as the API does): a warm-up, then N
/// iterations spread over <c>concurrency</c> workers, every latency recorded in an HdrHistogram (microseconds).
/// Vector search also measures recall@10 against an exact (brute-force cosine) ranking of the tenant's embeddings.
/// </summary>
public sealed class BenchmarkWorkload(IServiceProvider services, string tenantId, IReadOnlyList<string> investigationIds, IReadOnlyList<(string Id, float[] Embedding)> anomalies, int seed)
{
    public async Task<QueryResult> RunAsync(string query, double target, int warmup, int iterations, int concurrency, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        for (var i = 0; i < warmup; i++) await OnceAsync(query, random, null, cancellationToken);

        var histogram = new LongConcurrentHistogram(1, TimeSpan.FromMinutes(5).Ticks / 10, 3);
        var recalls = new List<double>();
        long errors = 0;
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var local = new Random(seed * 997 + w);
            while (Interlocked.Increment(ref next) < iterations)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await OnceAsync(query, local, recalls, cancellationToken);
                    histogram.RecordValue(Math.Max(1, clock.Elapsed.Ticks / 10));
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);

        double Ms(double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
        double? recall = query == "vector" ? (recalls.Count == 0 ? 0 : recalls.Average()) : null;
        return new QueryResult(query, histogram.TotalCount, Ms(50), Ms(95), Ms(99), histogram.GetMean() / 1000.0, histogram.GetMaxValue() / 1000.0, target, recall, errors);
    }

    private async Task OnceAsync(string query, Random random, List<double>? recalls, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var investigations = provider.GetRequiredService<IInvestigationRepository>();
        var id = investigationIds[random.Next(investigationIds.Count)];
        switch (query)
        {
            case "simple":
                _ = await investigations.GetAsync(tenantId, id, cancellationToken) ?? throw new InvalidOperationException($"{id} not found");
                break;
            case "indexed":
                await investigations.ListAsync(tenantId, new InvestigationQuery(Status: (InvestigationStatus)random.Next(6)), new PageRequest(1, 20), cancellationToken);
                break;
            case "pagination":
                await investigations.ListAsync(tenantId, new InvestigationQuery(), new PageRequest(1 + random.Next(Math.Max(1, Math.Min(50, investigationIds.Count / 20))), 20), cancellationToken);
                break;
            case "aggregation":
                await investigations.CountByStatusAsync(tenantId, cancellationToken);
                break;
            case "insert":
                await provider.GetRequiredService<ITransactionScoreRepository>().InsertManyAsync(tenantId,
                    [new TransactionScore { InvestigationId = id, TransactionId = $"bench-{Guid.NewGuid():N}", TenantId = tenantId, RiskScore = random.NextDouble(), CreatedAt = DateTime.UtcNow }],
                    cancellationToken);
                break;
            case "update":
                var outcome = await investigations.UpdateProgressAsync(tenantId, id,
                    new System.Text.Json.Nodes.JsonObject { ["current_phase"] = "benchmark", ["progress_percentage"] = random.Next(100) }, cancellationToken);
                if (!outcome.IsOk) throw new InvalidOperationException($"update of {id} failed");
                break;
            case "vector":
                var probe = anomalies[random.Next(anomalies.Count)];
                var vector = Olorin.Migration.Seeding.SyntheticDataset.EmbeddingNear(random, probe.Embedding);
                var found = await provider.GetRequiredService<IAnomalyEventRepository>()
                    .SearchSimilarAsync(tenantId, new SimilarityQuery(vector, K: 10, MinSimilarity: -1), cancellationToken);
                if (recalls is not null)
                {
                    var exact = Exact(vector, 10);
                    var recall = found.Count(f => exact.Contains(f.Anomaly.AnomalyId)) / (double)exact.Count;
                    lock (recalls) recalls.Add(recall);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(query), query, null);
        }
    }

    /// <summary>The true top-k by cosine similarity (embeddings are unit vectors, so the dot product).</summary>
    private HashSet<string> Exact(float[] vector, int k)
        => anomalies
            .Select(a => (a.Id, Score: Dot(a.Embedding, vector)))
            .OrderByDescending(a => a.Score).Take(k).Select(a => a.Id).ToHashSet();

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * (double)b[i];
        return sum;
    }
}
