using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Similarity;
using Olorin.Testing;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The HNSW path's start-up warm-up against the real local PostgreSQL: pg_prewarm of the index when the extension
/// exists in the database (the local cluster ships it; a test creates it as the operator would, the warm-up never
/// does), then HNSW queries on every search connection; and what it skips. Each test has a database of its own.
/// </summary>
public sealed class PostgresVectorSearchWarmUpTests : IAsyncLifetime
{
    private readonly List<ServiceProvider> _instances = [];
    private PostgresTestDatabase? _database;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        await Instance().MigratePostgresAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    [Fact]
    public async Task It_prewarms_the_hnsw_index_and_runs_the_queries_on_every_search_connection()
    {
        await ExecuteAsync("CREATE EXTENSION pg_prewarm");
        var instance = Instance(connections: 3, queries: 5);
        await Seed(instance, 40);

        var report = await instance.GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

        Assert.Null(report.PrewarmSkipped);
        Assert.Equal(await HnswIndexBlocksAsync(), report.PrewarmedBlocks);
        Assert.Equal(3, report.Connections);
        Assert.Equal(3 * 5, report.Queries);
        Assert.False(report.TimedOut);
        // Each on a backend of its own, and the search pool kept them: three backends named after it are connected.
        Assert.Equal(3, await SearchBackendsAsync());
    }

    [Fact]
    public async Task Without_the_pg_prewarm_extension_it_skips_the_prewarm_creates_nothing_and_still_warms_the_connections()
    {
        var instance = Instance(connections: 2, queries: 3);
        await Seed(instance, 10);

        var report = await instance.GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

        Assert.Null(report.PrewarmedBlocks);
        Assert.StartsWith("the pg_prewarm extension does not exist in this database", report.PrewarmSkipped);
        Assert.False(await ExtensionInstalledAsync());
        Assert.Equal(2, report.Connections);
        Assert.Equal(2 * 3, report.Queries);
    }

    [Fact]
    public async Task It_stops_at_its_time_limit_and_reports_it()
    {
        var instance = Instance(connections: 2, queries: 5);
        await Seed(instance, 10);

        var report = await instance.GetRequiredService<VectorSearchWarmUp>().RunAsync(TimeSpan.Zero, Ct);

        Assert.True(report.TimedOut);
        Assert.Equal(0, report.Queries);
        Assert.Equal(0, report.Connections);
    }

    [Fact]
    public async Task Its_search_connections_are_back_in_the_pool_when_it_ends()
    {
        var instance = Instance(connections: 2, queries: 2);
        await Seed(instance, 10);
        await instance.GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

        // Had the warm-up kept one of the pool's two connections, the second open here would wait until it timed out.
        var pool = instance.GetRequiredService<VectorSearchConnections>();
        await using var first = await pool.OpenAsync(Ct);
        await using var second = await pool.OpenAsync(Ct);
        Assert.NotEqual(first.ProcessID, second.ProcessID);
    }

    [Fact]
    public async Task A_provider_disposed_synchronously_disposes_the_search_pool_without_throwing()
    {
        var instance = Instance(connections: 1);
        await using (await instance.GetRequiredService<VectorSearchConnections>().OpenAsync(Ct)) { }
        _instances.Remove(instance);

        // A singleton that is only IAsyncDisposable makes ServiceProvider.Dispose throw.
        var disposal = Record.Exception(instance.Dispose);

        Assert.Null(disposal);
    }

    [Fact]
    public async Task With_fewer_embeddings_than_queries_it_queries_with_those_it_has()
    {
        var instance = Instance(connections: 2, queries: 50);
        await Seed(instance, 7);

        var report = await instance.GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

        Assert.Equal(2 * 7, report.Queries);
    }

    [Fact]
    public async Task On_an_empty_table_it_prewarms_and_runs_no_query()
    {
        await ExecuteAsync("CREATE EXTENSION pg_prewarm");
        var report = await Instance(connections: 2, queries: 10).GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

        Assert.NotNull(report.PrewarmedBlocks);
        Assert.Equal(0, report.Queries);
        Assert.Equal(0, report.Connections);
    }

    [Fact]
    public async Task Zero_warm_up_queries_turns_it_off_entirely()
    {
        var instance = Instance(connections: 2, queries: 0);
        await Seed(instance, 10);

        var report = await instance.GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

        Assert.Equal(new VectorSearchWarmUp.Report(null, "PGVECTOR_WARMUP_QUERIES is 0", 0, 0), report);
        Assert.False(await ExtensionInstalledAsync());
    }

    [Fact]
    public void The_connection_budget_counts_all_four_pools()
    {
        var budget = ConnectionBudget.For("Host=127.0.0.1;Maximum Pool Size=40", searchConnections: 3);

        Assert.Equal(new ConnectionBudget(40, 10, 3, 2), budget);
        Assert.Equal(55, budget.Total);
        Assert.Equal(1, ConnectionBudget.For("Host=127.0.0.1;Maximum Pool Size=2", 1).Read);
    }

    [Fact]
    public async Task The_connection_budget_check_reads_what_the_server_accepts()
    {
        var instance = Instance();
        var budget = ConnectionBudget.For(_database!.ConnectionString, 2);

        var available = await budget.CheckAsync(instance.GetRequiredService<NpgsqlDataSource>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, Ct);

        var expected = (int)(await ScalarAsync("SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"))!;
        Assert.Equal(expected, available);
    }

    private ServiceProvider Instance(int? connections = null, int? queries = null, string? connectionString = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddPostgresPersistence(connectionString ?? _database!.ConnectionString);
        services.Configure<PostgresVectorSearchOptions>(o =>
        {
            if (connections is { } c) o.SearchConnections = c;
            if (queries is { } q) o.WarmUpQueries = q;
        });
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _instances.Add(provider);
        return provider;
    }

    private static async Task Seed(ServiceProvider instance, int count)
    {
        var random = new Random(5);
        await using var scope = instance.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IAnomalyEventRepository>().InsertManyAsync("tenant-w", Enumerable.Range(0, count).Select(i => new AnomalyEvent
        {
            AnomalyId = $"a-{i:D3}", RunId = "r", DetectorId = "d", Metric = "m", Severity = AnomalySeverity.Warn,
            Window = new AnomalyWindow { Start = DateTime.UtcNow.AddHours(-1), End = DateTime.UtcNow },
            Embedding = Enumerable.Range(0, 384).Select(_ => (float)random.NextDouble() - 0.5f).ToArray(),
        }).ToList(), Ct);
    }

    private async Task<long> HnswIndexBlocksAsync()
        => (long)(await ScalarAsync("SELECT pg_relation_size('ix_anomaly_events_embedding') / current_setting('block_size')::bigint"))!;

    private async Task<bool> ExtensionInstalledAsync()
        => (bool)(await ScalarAsync("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm')"))!;

    private async Task<long> SearchBackendsAsync()
        => (long)(await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '% vector search'"))!;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
