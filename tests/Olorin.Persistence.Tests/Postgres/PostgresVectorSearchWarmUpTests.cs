using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Similarity;
using Olorin.Testing;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The HNSW path's start-up warm-up against the real local PostgreSQL: pg_prewarm of the index (the local cluster
/// ships the contrib extension and the test role may create it), then HNSW queries on every search connection; and
/// what it skips. Each test has a database of its own (the extension is created per database).
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
        var instance = Instance(connections: 3, queries: 5);
        await Seed(instance, 40);

        var report = await instance.GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

        Assert.Null(report.PrewarmSkipped);
        Assert.Equal(await HnswIndexBlocksAsync(), report.PrewarmedBlocks);
        Assert.True(await ExtensionInstalledAsync());
        Assert.Equal(3, report.Connections);
        Assert.Equal(3 * 5, report.Queries);
        // The search pool kept its connections: three backends named after it are still connected.
        Assert.Equal(3, await SearchBackendsAsync());
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
    public async Task Without_the_right_to_create_pg_prewarm_it_skips_the_prewarm_and_still_warms_the_connections()
    {
        // A role that may connect and read but not create an extension, as a managed database's application role is.
        var role = $"warmup_{Guid.NewGuid():N}"[..20];
        await ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'warmup' NOSUPERUSER");
        await ExecuteAsync($"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}");
        try
        {
            await Seed(Instance(), 10);
            var limited = new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { Username = role, Password = "warmup" };
            var report = await Instance(connections: 2, queries: 3, limited.ConnectionString).GetRequiredService<VectorSearchWarmUp>().RunAsync(Ct);

            Assert.Null(report.PrewarmedBlocks);
            Assert.StartsWith("CREATE EXTENSION pg_prewarm failed: 42501", report.PrewarmSkipped);
            Assert.Equal(2 * 3, report.Queries);
        }
        finally
        {
            foreach (var instance in _instances) await instance.DisposeAsync();
            _instances.Clear();
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync($"DROP OWNED BY {role}");
            await ExecuteAsync($"DROP ROLE {role}");
        }
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
