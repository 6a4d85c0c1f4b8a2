using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Olorin.Core.Observability;
using Olorin.Core.Phases;
using Olorin.Persistence.Postgres.Observability;
using Olorin.Persistence.Postgres.Outbox;
using Olorin.Persistence.Postgres.Repositories;

namespace Olorin.Persistence.Postgres;

public static class PostgresPersistence
{
    public const string BackendName = "postgres";

    /// <summary>
    /// Registers the DbContext (with pgvector and snake_case naming) and the PostgreSQL implementation of every port.
    /// Tune the vector search with <c>services.Configure&lt;PostgresVectorSearchOptions&gt;(…)</c>.
    /// </summary>
    public static IServiceCollection AddPostgresPersistence(this IServiceCollection services, string connectionString)
    {
        // Built by the container, so disposing the provider disposes it and closes its pooled connections (an instance
        // registered as such is not the container's to dispose: a disposed operator endpoint left its pool open).
        services.AddSingleton(_ => PostgresPersistence.BuildDataSource(connectionString));
        // The repositories' and the outbox's clock; a host (or a test's fake clock) may register its own first.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StatelessReadSource.Build(connectionString));
        // Pooled: a request reuses a reset context instead of building one (the model, services and options are resolved once).
        services.AddDbContextPool<OlorinDbContext>((sp, options) => Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        AddLazyContext(services);
        services.AddSingleton<IPersistenceFailureClassifier, PostgresFailureClassifier>();
        services.AddSingleton<IConnectionPoolProbe, PostgresPoolProbe>();
        services.AddOptions<PostgresVectorSearchOptions>()
            .Validate(o => o.EfSearch is >= 1 and <= 1000, "PGVECTOR_EF_SEARCH must be between 1 and 1000 (hnsw.ef_search).")
            .Validate(o => o.ExactSearchMaxCandidates is >= 0 and < int.MaxValue, "PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES must be ≥ 0.")
            .Validate(o => o.ExactIndexMaxMegabytes is >= 0 and <= PostgresVectorSearchOptions.ExactIndexMaxMegabytesLimit,
                $"SIMILARITY_EXACT_INDEX_MAX_MB must be between 0 (off) and {PostgresVectorSearchOptions.ExactIndexMaxMegabytesLimit}.")
            .Validate(o => o.SearchConnections is >= 1 and <= PostgresVectorSearchOptions.SearchConnectionsLimit,
                $"PGVECTOR_SEARCH_CONNECTIONS must be between 1 and {PostgresVectorSearchOptions.SearchConnectionsLimit}.")
            .Validate(o => o.WarmUpQueries is >= 0 and <= PostgresVectorSearchOptions.WarmUpQueriesLimit,
                $"PGVECTOR_WARMUP_QUERIES must be between 0 (off) and {PostgresVectorSearchOptions.WarmUpQueriesLimit}.")
            .ValidateOnStart();
        services.AddSingleton<Similarity.ExactVectorIndex>();
        services.AddSingleton(sp => new Similarity.VectorSearchConnections(
            connectionString, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PostgresVectorSearchOptions>>()));
        services.AddSingleton<Similarity.VectorSearchWarmUp>();
        services.AddSingleton(sp => ConnectionBudget.For(
            connectionString, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PostgresVectorSearchOptions>>().Value.SearchConnections));
        services.AddRepositoriesFrom(typeof(PostgresPersistence).Assembly);
        services.AddSingleton<IMigrationStateStore, PostgresMigrationStateStore>();
        services.AddSingleton<IBulkLoadIndexes, PostgresBulkLoadIndexes>();
        services.AddSingleton<IRawRowTransfer, PostgresBulkRaw>();
        services.AddScoped<IChangeTransferPort, PostgresChangeTransfer>();
        services.AddSingleton(_ => RelayConnections.Build(connectionString));
        services.AddSingleton<IChangeOutbox, PostgresChangeOutbox>();
        services.AddSingleton<WriteBackMarker>();
        return services;
    }

    /// <summary>
    /// The scope's context behind a <see cref="Lazy{T}"/>, and every resolution of <see cref="OlorinDbContext"/> through
    /// it: a repository whose hottest calls use Npgsql alone takes the Lazy, so the context is rented from the pool
    /// (and reset on its return) only when a call needs EF, not with every request that resolves the repository
    /// (docs/performance.md, "Session 7: GET by id"). <see cref="Lazy{T}.IsValueCreated"/> then also says whether
    /// anything in the scope holds the context, so whether a transaction can be open on it.
    /// </summary>
    private static void AddLazyContext(IServiceCollection services)
    {
        var pooled = services.Last(d => d.ServiceType == typeof(OlorinDbContext));
        var rent = pooled.ImplementationFactory
                   ?? throw new InvalidOperationException("AddDbContextPool no longer registers OlorinDbContext through a factory.");
        services.Remove(pooled);
        // PublicationOnly: a failed rent is not cached for the rest of the scope (the scoped lease returns one context).
        services.AddScoped(sp => new Lazy<OlorinDbContext>(() => (OlorinDbContext)rent(sp), LazyThreadSafetyMode.PublicationOnly));
        services.AddScoped(sp => sp.GetRequiredService<Lazy<OlorinDbContext>>().Value);
    }

    /// <summary>
    /// A store outside a host: a service provider that composes the PostgreSQL implementation of every port over
    /// <paramref name="connectionString"/> (the operator tools' endpoints, the server's second store in the migration
    /// phases). The caller disposes it.
    /// </summary>
    public static ServiceProvider BuildStoreProvider(string connectionString, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddPostgresPersistence(connectionString);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>An Npgsql data source that knows the pgvector <c>vector</c> type.</summary>
    public static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    internal static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource)
        => options
            .UseNpgsql(dataSource, npgsql => npgsql.UseVector().MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            // EF logs a failed commit or rollback at Error even when the request was cancelled (the client went away);
            // the exception itself still reaches the server's exception handler, which logs real failures at Error
            // and client disconnects not at all.
            .ConfigureWarnings(w => w.Log((RelationalEventId.TransactionError, LogLevel.Debug)));

    /// <summary>
    /// The HNSW path's start-up warm-up (<see cref="Similarity.VectorSearchWarmUp"/>, <c>PGVECTOR_WARMUP_QUERIES</c>):
    /// pg_prewarm of the index where available, then a few HNSW queries on each search connection. Run it after the
    /// migrations, in the background: it never needs to finish for requests to be served.
    /// </summary>
    public static async Task WarmUpVectorSearchAsync(this IServiceProvider services, CancellationToken cancellationToken)
        => await services.GetRequiredService<Similarity.VectorSearchWarmUp>().RunAsync(cancellationToken);

    /// <summary>
    /// Logs the server's PostgreSQL connection budget (main + by-id read + vector search pools) against the
    /// connections PostgreSQL accepts, warning when it does not fit (<see cref="ConnectionBudget"/>).
    /// </summary>
    public static async Task CheckConnectionBudgetAsync(this IServiceProvider services, CancellationToken cancellationToken)
        => await services.GetRequiredService<ConnectionBudget>().CheckAsync(
            services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<ILogger<ConnectionBudget>>(), cancellationToken);

    /// <summary>Applies every pending EF migration (creating the vector extension first).</summary>
    public static async Task MigratePostgresAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        // The vector type is created by the migration; connections opened before it do not know it yet.
        var dataSource = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ReloadTypesAsync(cancellationToken);
    }
}
