using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Repositories;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class VectorSearchPlannerTests
{
    [Theory]
    [InlineData(false, 10.0, 50_000, VectorSearchPath.Exact)]
    [InlineData(false, 50_000.0, 50_000, VectorSearchPath.Exact)]
    [InlineData(false, 50_001.0, 50_000, VectorSearchPath.Approximate)]
    [InlineData(true, 1e9, 50_000, VectorSearchPath.Exact)]
    [InlineData(false, 1.0, 0, VectorSearchPath.Approximate)]
    public void The_path_follows_the_estimate_and_the_exact_flag(bool exact, double estimate, int max, VectorSearchPath expected)
        => Assert.Equal(expected, VectorSearchPlanner.Choose(exact, estimate, max));
}

/// <summary>The similarity search decides its path from the planner's estimate: no query counts the candidates.</summary>
public sealed class PostgresSimilarityPathTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private readonly ConcurrentQueue<string> _commands = new();
    private string _database = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_similarity_search_runs_no_count_of_the_candidates()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var store = fixture.Shared;
        await using (var scope = store.Services.CreateAsyncScope())
            _database = scope.ServiceProvider.GetRequiredService<OlorinDbContext>().Database.GetDbConnection().Database;
        var anomalies = store.Repo<IAnomalyEventRepository>();
        var random = new Random(3);
        await anomalies.InsertManyAsync(tenant, Enumerable.Range(0, 50).Select(i => new AnomalyEvent
        {
            AnomalyId = $"a-{i}", RunId = "r", DetectorId = "d", Metric = "m", Severity = AnomalySeverity.Warn,
            Window = new AnomalyWindow { Start = DateTime.UtcNow.AddHours(-1), End = DateTime.UtcNow },
            Embedding = Enumerable.Range(0, 384).Select(_ => (float)random.NextDouble() - 0.5f).ToArray(),
        }).ToList(), Ct);

        // Npgsql traces every command it sends (ActivitySource "Npgsql"), the SQL and the database among the tags.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var tags = activity.TagObjects.Select(t => t.Value as string).OfType<string>().ToList();
                if (tags.Contains(_database)) foreach (var tag in tags) _commands.Enqueue(tag);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var hits = await anomalies.SearchSimilarAsync(tenant, new SimilarityQuery(Enumerable.Repeat(0.1f, 384).ToArray(), K: 5, MinSimilarity: -1), Ct);

        Assert.Equal(5, hits.Count);

        // The listener saw the search itself: in SQL while the in-process index loads the tenant, or that load.
        Assert.Contains(_commands, c => c.Contains("<=>", StringComparison.Ordinal) || c.Contains("FROM anomaly_events WHERE tenant_id = $1", StringComparison.Ordinal));
        // The in-process index's tenant load counts once per tenant (its budget reservation), beside its xmin; no search does.
        Assert.DoesNotContain(_commands, c => c.Contains("count(", StringComparison.OrdinalIgnoreCase) && !c.Contains("pg_snapshot_xmin", StringComparison.Ordinal));
    }
}
