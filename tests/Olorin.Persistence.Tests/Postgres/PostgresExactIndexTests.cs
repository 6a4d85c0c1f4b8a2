using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Similarity;
using Olorin.Testing;
using Pgvector;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The in-process exact index behind <see cref="IAnomalyEventRepository.SearchSimilarAsync"/> (<c>exact: true</c>):
/// the same top k as PostgreSQL's exact ranking, writes by another instance seen by the next query (including a
/// transaction that commits after a later one was already read), eviction and the fallback to PostgreSQL.
/// Each "instance" is its own service provider (its own index) over one real database.
/// </summary>
public sealed class PostgresExactIndexTests : IAsyncLifetime
{
    private const int Dimensions = 384;
    private readonly List<ServiceProvider> _instances = [];
    private PostgresTestDatabase? _database;
    private NpgsqlDataSource? _sql;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private string ConnectionString => _database!.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _sql = PostgresPersistence.BuildDataSource(ConnectionString);
        await Instance().MigratePostgresAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        if (_sql is not null) await _sql.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    [Fact]
    public async Task Exact_search_returns_the_same_top_k_as_PostgreSQL_exact_ranking_with_filters()
    {
        var tenant = NewTenant();
        var random = new Random(12);
        var anomalies = Enumerable.Range(0, 2_000).Select(i => Anomaly($"a-{i:D4}", RandomVector(random),
            (AnomalySeverity)(i % 3), $"det-{i % 4}")).ToList();
        // Exact ties: copies of one vector under other ids, so the order among equals is tested too.
        var tied = anomalies[7].Embedding;
        anomalies.AddRange(Enumerable.Range(0, 12).Select(i => Anomaly($"tie-{11 - i:D2}", tied, AnomalySeverity.Warn, "det-1")));
        var instance = Instance();
        foreach (var batch in anomalies.Chunk(250)) await Repository(instance).InsertManyAsync(tenant, batch, Ct);

        var queries = new List<SimilarityQuery> { new(tied, K: 20, MinSimilarity: -1, Exact: true) };
        for (var q = 0; q < 24; q++)
        {
            queries.Add(new SimilarityQuery(RandomVector(random), K: 1 + q * 4, MinSimilarity: -1, Exact: true,
                Severity: q % 3 == 1 ? (AnomalySeverity)(q % 3) : null,
                DetectorId: q % 4 == 2 ? "det-2" : q == 23 ? "no-such-detector" : null,
                ExcludeAnomalyId: q % 5 == 0 ? "a-0007" : null));
        }
        foreach (var query in queries)
        {
            var expected = await SqlExactAsync(tenant, query);
            var actual = await Repository(instance).SearchSimilarAsync(tenant, query, Ct);
            Assert.Equal(expected.Select(e => e.Id), actual.Select(a => a.Anomaly.AnomalyId));
            foreach (var (e, a) in expected.Zip(actual)) Assert.Equal(e.Similarity, a.Similarity, 1e-5);
        }
        Assert.True(instance.GetRequiredService<ExactVectorIndex>().Holds(tenant));
    }

    [Fact]
    public async Task A_write_update_or_delete_by_another_instance_is_seen_by_the_next_query()
    {
        var tenant = NewTenant();
        var random = new Random(5);
        var reader = Instance();
        var writer = Instance();
        await Repository(writer).InsertManyAsync(tenant, Enumerable.Range(0, 200).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        var target = RandomVector(random);
        var query = new SimilarityQuery(target, K: 3, MinSimilarity: -1, Exact: true);
        Assert.DoesNotContain(await Ids(reader, tenant, query), id => id == "new");

        // Insert through the other instance: the reader's next query has it first.
        var created = Anomaly("new", target);
        created.TenantId = tenant;
        Assert.True((await Repository(writer).CreateAsync(created, Ct)).IsOk);
        Assert.Equal("new", (await Ids(reader, tenant, query))[0]);

        // Its embedding changed behind the API (plain SQL on another connection): it is no longer the nearest.
        await ExecuteAsync($"UPDATE anomaly_events SET embedding = '{Literal(RandomVector(random))}' WHERE tenant_id = '{tenant}' AND anomaly_id = 'new'");
        Assert.NotEqual("new", (await Ids(reader, tenant, query))[0]);
        await ExecuteAsync($"UPDATE anomaly_events SET embedding = '{Literal(target)}', severity = 'critical' WHERE tenant_id = '{tenant}' AND anomaly_id = 'new'");
        Assert.Equal("new", (await Ids(reader, tenant, query with { Severity = AnomalySeverity.Critical }))[0]);
        Assert.DoesNotContain("new", await Ids(reader, tenant, query with { Severity = AnomalySeverity.Warn }));

        // Deleted by the other instance: gone from the reader's answer.
        Assert.True(await Repository(writer).DeleteAsync(tenant, "new", Ct));
        Assert.DoesNotContain("new", await Ids(reader, tenant, query));

        // Embedding cleared: gone too; a status change (not a column the index holds) changes nothing.
        var nearest = (await Ids(reader, tenant, query))[0];
        await Repository(writer).UpdateStatusAsync(tenant, nearest, AnomalyStatus.Closed, Ct);
        Assert.Equal(nearest, (await Ids(reader, tenant, query))[0]);
        await ExecuteAsync($"UPDATE anomaly_events SET embedding = NULL WHERE tenant_id = '{tenant}' AND anomaly_id = '{nearest}'");
        Assert.DoesNotContain(nearest, await Ids(reader, tenant, query));
        Assert.Equal((await SqlExactAsync(tenant, query with { K = 20 })).Select(r => r.Id), await Ids(reader, tenant, query with { K = 20 }));
    }

    [Fact]
    public async Task A_transaction_that_commits_after_a_later_one_was_read_is_not_missed()
    {
        var tenant = NewTenant();
        var random = new Random(8);
        var reader = Instance();
        await Repository(reader).InsertManyAsync(tenant, Enumerable.Range(0, 100).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        var early = RandomVector(random);
        var late = RandomVector(random);
        await Ids(reader, tenant, new SimilarityQuery(early, Exact: true)); // loaded

        // The early transaction writes first (its transaction id is the lower one) and stays open...
        await using var slow = new NpgsqlConnection(ConnectionString);
        await slow.OpenAsync(Ct);
        await using var open = await slow.BeginTransactionAsync(Ct);
        await InsertSqlAsync(slow, tenant, "early", early);
        // ...while a later one commits and is read by the index.
        await using (var fast = new NpgsqlConnection(ConnectionString))
        {
            await fast.OpenAsync(Ct);
            await InsertSqlAsync(fast, tenant, "late", late);
        }
        Assert.Equal("late", (await Ids(reader, tenant, new SimilarityQuery(late, K: 1, MinSimilarity: -1, Exact: true)))[0]);
        Assert.NotEqual("early", (await Ids(reader, tenant, new SimilarityQuery(early, K: 1, MinSimilarity: -1, Exact: true)))[0]);

        // The early one commits now, below what the index has already read: the next query still has it.
        await open.CommitAsync(Ct);
        Assert.Equal("early", (await Ids(reader, tenant, new SimilarityQuery(early, K: 1, MinSimilarity: -1, Exact: true)))[0]);
    }

    [Fact]
    public async Task Tenants_beyond_the_memory_budget_are_evicted_and_a_tenant_that_cannot_fit_is_ranked_by_PostgreSQL()
    {
        var random = new Random(21);
        var (small1, small2, large) = (NewTenant(), NewTenant(), NewTenant());
        // 1 MiB: one 300-anomaly tenant (~0.5 MiB) fits, two do not, 1,000 (~1.6 MiB) never do.
        var instance = Instance(maxMegabytes: 1);
        var repository = Repository(instance);
        await repository.InsertManyAsync(small1, Enumerable.Range(0, 300).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        await repository.InsertManyAsync(small2, Enumerable.Range(0, 300).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        foreach (var batch in Enumerable.Range(0, 1_000).Select(i => Anomaly($"a-{i}", RandomVector(random))).Chunk(250))
            await repository.InsertManyAsync(large, batch, Ct);
        var index = instance.GetRequiredService<ExactVectorIndex>();
        var query = new SimilarityQuery(RandomVector(random), K: 10, MinSimilarity: -1, Exact: true);

        async Task AssertExact(string tenant)
            => Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(instance, tenant, query));

        await AssertExact(small1);
        Assert.True(index.Holds(small1));
        await AssertExact(small2);
        Assert.True(index.Holds(small2));
        Assert.False(index.Holds(small1)); // least recently used, evicted
        Assert.InRange(index.HeldBytes, 1, 1 << 20);

        await AssertExact(large);
        Assert.False(index.Holds(large)); // ranked by PostgreSQL, still exactly
        Assert.True(index.Holds(small2));

        await AssertExact(small1);
        Assert.True(index.Holds(small1));
        Assert.False(index.Holds(small2));
    }

    [Fact]
    public async Task With_the_index_off_exact_search_is_ranked_by_PostgreSQL()
    {
        var tenant = NewTenant();
        var random = new Random(4);
        var instance = Instance(maxMegabytes: 0);
        await Repository(instance).InsertManyAsync(tenant, Enumerable.Range(0, 200).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        var query = new SimilarityQuery(RandomVector(random), K: 10, MinSimilarity: -1, Exact: true);
        Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(instance, tenant, query));
        Assert.False(instance.GetRequiredService<ExactVectorIndex>().Holds(tenant));
    }

    [Fact]
    public async Task A_missing_horizon_row_does_not_make_every_search_reload()
    {
        var tenant = NewTenant();
        var random = new Random(31);
        var (reader, writer) = (Instance(), Instance());
        await Repository(writer).InsertManyAsync(tenant, Enumerable.Range(0, 100).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        await ExecuteAsync("DELETE FROM anomaly_change_horizon");
        var target = RandomVector(random);
        var query = new SimilarityQuery(target, K: 3, MinSimilarity: -1, Exact: true);
        await Ids(reader, tenant, query);
        for (var i = 0; i < 3; i++)
        {
            await Repository(writer).InsertManyAsync(tenant, [Anomaly($"new-{i}", target)], Ct);
            Assert.Contains($"new-{i}", await Ids(reader, tenant, query));
        }
        var index = reader.GetRequiredService<ExactVectorIndex>();
        Assert.Equal(1, index.Loads);
        Assert.True(index.Holds(tenant));
    }

    [Fact]
    public async Task A_reload_that_cannot_get_past_the_horizon_falls_back_to_PostgreSQL_instead_of_reloading_on_every_search()
    {
        var tenant = NewTenant();
        var random = new Random(32);
        var (reader, writer) = (Instance(), Instance());
        await Repository(writer).InsertManyAsync(tenant, Enumerable.Range(0, 100).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        await ExecuteAsync("UPDATE anomaly_change_horizon SET pruned_through = 9000000000000000000");
        var target = RandomVector(random);
        var query = new SimilarityQuery(target, K: 3, MinSimilarity: -1, Exact: true);
        await Ids(reader, tenant, query);
        for (var i = 0; i < 4; i++)
        {
            await Repository(writer).InsertManyAsync(tenant, [Anomaly($"new-{i}", target)], Ct);
            Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(reader, tenant, query));
        }
        var index = reader.GetRequiredService<ExactVectorIndex>();
        Assert.Equal(1, index.Loads);
        Assert.False(index.Holds(tenant));
    }

    [Fact]
    public async Task A_refresh_with_more_changed_rows_than_the_limit_reloads_the_tenant()
    {
        var tenant = NewTenant();
        var random = new Random(33);
        var (reader, writer) = (Instance(), Instance());
        await Repository(writer).InsertManyAsync(tenant, Enumerable.Range(0, 100).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        var index = reader.GetRequiredService<ExactVectorIndex>();
        index.MaxDeltaRows = 10;
        var query = new SimilarityQuery(RandomVector(random), K: 20, MinSimilarity: -1, Exact: true);
        await Ids(reader, tenant, query);
        await Repository(writer).InsertManyAsync(tenant, [Anomaly("few", RandomVector(random))], Ct);
        Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(reader, tenant, query));
        Assert.Equal(1, index.Loads);

        await Repository(writer).InsertManyAsync(tenant, Enumerable.Range(0, 30).Select(i => Anomaly($"b-{i}", RandomVector(random))).ToList(), Ct);
        Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(reader, tenant, query));
        Assert.Equal(2, index.Loads);
        Assert.True(index.Holds(tenant));
    }

    [Fact]
    public async Task A_long_transaction_elsewhere_does_not_turn_a_small_delta_into_a_reload_and_its_rows_arrive_when_it_commits()
    {
        var tenant = NewTenant();
        var random = new Random(36);
        var (reader, writer) = (Instance(), Instance());
        var held = RandomVector(random);
        // Open before everything below, with a transaction id (it writes): every snapshot's xmin stays at or below it
        // until it ends, so "changed since the last read's xmin" would be every row written after this.
        await using var idle = await OpenAsync();
        await using var longRunning = await idle.BeginTransactionAsync(Ct);
        await using (var txid = new NpgsqlCommand("SELECT txid_current()", idle)) await txid.ExecuteScalarAsync(Ct);
        await InsertSqlAsync(idle, tenant, "held", held);

        await Repository(writer).InsertManyAsync(tenant, Enumerable.Range(0, 100).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        var index = reader.GetRequiredService<ExactVectorIndex>();
        index.MaxDeltaRows = 10;
        var query = new SimilarityQuery(RandomVector(random), K: 20, MinSimilarity: -1, Exact: true);
        Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(reader, tenant, query));
        for (var i = 0; i < 3; i++)
        {
            await Repository(writer).InsertManyAsync(tenant, [Anomaly($"few-{i}", query.Vector)], Ct);
            Assert.Contains($"few-{i}", await Ids(reader, tenant, query));
        }
        Assert.Equal(1, index.Loads);

        // Still open: a delta beyond the limit reloads, as without it.
        await Repository(writer).InsertManyAsync(tenant, Enumerable.Range(0, 30).Select(i => Anomaly($"b-{i}", RandomVector(random))).ToList(), Ct);
        Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(reader, tenant, query));
        Assert.Equal(2, index.Loads);

        // The long transaction commits below everything the index has read: its row is the next query's answer, as a delta.
        var nearHeld = new SimilarityQuery(held, K: 1, MinSimilarity: -1, Exact: true);
        Assert.NotEqual("held", (await Ids(reader, tenant, nearHeld))[0]);
        await longRunning.CommitAsync(Ct);
        Assert.Equal("held", (await Ids(reader, tenant, nearHeld))[0]);
        Assert.Equal((await SqlExactAsync(tenant, query)).Select(r => r.Id), await Ids(reader, tenant, query));
        Assert.Equal(2, index.Loads);
        Assert.True(index.Holds(tenant));
    }

    [Fact]
    public async Task A_failed_load_is_ranked_by_PostgreSQL_and_not_retried_on_every_search()
    {
        var tenant = NewTenant();
        var random = new Random(34);
        var instance = Instance();
        await Repository(instance).InsertManyAsync(tenant, Enumerable.Range(0, 100).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        var target = RandomVector(random);
        // A row the load cannot read (a severity no enum has), far from the query so no answer contains it.
        await using (var connection = await OpenAsync())
            await InsertSqlAsync(connection, tenant, "broken", target.Select(x => -x).ToArray());
        await ExecuteAsync($"UPDATE anomaly_events SET severity = 'bogus' WHERE tenant_id = '{tenant}' AND anomaly_id = 'broken'");
        var query = new SimilarityQuery(target, K: 5, MinSimilarity: -1, Exact: true);
        var expected = (await SqlExactAsync(tenant, query)).Select(r => r.Id).ToList();

        Assert.Equal(expected, await Ids(instance, tenant, query));
        Assert.Equal(expected, await Ids(instance, tenant, query));
        Assert.Equal(5, (await Ids(instance, tenant, query with { Exact = false })).Count);
        var index = instance.GetRequiredService<ExactVectorIndex>();
        Assert.False(index.Holds(tenant));
        Assert.Equal(1, index.Loads);
        Assert.Equal(0, index.HeldBytes);
    }

    [Fact]
    public async Task Default_searches_do_not_start_more_loads_than_the_limit()
    {
        var random = new Random(35);
        var instance = Instance();
        var tenants = Enumerable.Range(0, 6).Select(_ => NewTenant()).ToList();
        foreach (var tenant in tenants)
            await Repository(instance).InsertManyAsync(tenant, Enumerable.Range(0, 300).Select(i => Anomaly($"a-{i}", RandomVector(random))).ToList(), Ct);
        var query = new SimilarityQuery(RandomVector(random), K: 5, MinSimilarity: -1);
        // Started together (each takes its slot before its first await, long before a load's round trip ends): only the
        // limit's worth start a load, the rest are ranked in PostgreSQL.
        var answers = await Task.WhenAll(tenants.Select(tenant => Ids(instance, tenant, query)));
        Assert.All(answers, ids => Assert.Equal(5, ids.Count));
        Assert.Equal(ExactVectorIndex.MaxConcurrentLoads, instance.GetRequiredService<ExactVectorIndex>().Loads);
    }

    private ServiceProvider Instance(int? maxMegabytes = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddPostgresPersistence(ConnectionString);
        if (maxMegabytes is { } max) services.Configure<PostgresVectorSearchOptions>(o => o.ExactIndexMaxMegabytes = max);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _instances.Add(provider);
        return provider;
    }

    private static IAnomalyEventRepository Repository(ServiceProvider instance)
        => instance.CreateScope().ServiceProvider.GetRequiredService<IAnomalyEventRepository>();

    private static async Task<List<string>> Ids(ServiceProvider instance, string tenant, SimilarityQuery query)
        => (await Repository(instance).SearchSimilarAsync(tenant, query, Ct)).Select(s => s.Anomaly.AnomalyId).ToList();

    /// <summary>The ground truth, computed by PostgreSQL alone: every candidate's <c>&lt;=&gt;</c>, ties by anomaly id.</summary>
    private async Task<List<(string Id, double Similarity)>> SqlExactAsync(string tenant, SimilarityQuery query)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT anomaly_id, 1 - (embedding <=> $2) FROM anomaly_events
            WHERE tenant_id = $1 AND embedding IS NOT NULL
              AND ($3::text IS NULL OR severity = $3) AND ($4::text IS NULL OR detector_id = $4) AND ($5::text IS NULL OR anomaly_id <> $5)
            ORDER BY embedding <=> $2, anomaly_id LIMIT $6
            """, connection);
        command.Parameters.AddWithValue(tenant);
        command.Parameters.AddWithValue(new Vector(query.Vector));
        command.Parameters.AddWithValue(query.Severity is { } s ? WireEnum.ToWire(s) : DBNull.Value);
        command.Parameters.AddWithValue(query.DetectorId is { } d ? d : DBNull.Value);
        command.Parameters.AddWithValue(query.ExcludeAnomalyId is { } x ? x : DBNull.Value);
        command.Parameters.AddWithValue(query.K);
        var rows = new List<(string, double)>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) rows.Add((reader.GetString(0), reader.GetDouble(1)));
        return rows.Where(r => r.Item2 >= query.MinSimilarity).ToList();
    }

    private static async Task InsertSqlAsync(NpgsqlConnection connection, string tenant, string id, float[] embedding)
    {
        await using var command = new NpgsqlCommand($$"""
            INSERT INTO anomaly_events (tenant_id, anomaly_id, run_id, detector_id, metric, cohort, evidence, window_start, window_end,
                observed, expected, score, severity, status, persisted_n, created_at, embedding)
            VALUES ('{{tenant}}', '{{id}}', 'r', 'd', 'm', '{}', '{}', now(), now(), 0, 0, 1, 'warn', 'new', 1, now(), '{{Literal(embedding)}}')
            """, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = _sql!.CreateConnection();
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static string Literal(float[] vector)
        => "[" + string.Join(",", vector.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";

    private static string NewTenant() => $"t-{Guid.NewGuid():N}";

    private static float[] RandomVector(Random random)
        => Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static AnomalyEvent Anomaly(string id, float[] embedding, AnomalySeverity severity = AnomalySeverity.Warn, string detector = "d")
        => new()
        {
            AnomalyId = id, RunId = "r", DetectorId = detector, Metric = "m", Severity = severity,
            Score = 1,
            Window = new AnomalyWindow { Start = DateTime.UtcNow.AddHours(-1), End = DateTime.UtcNow },
            Embedding = embedding,
        };
}
