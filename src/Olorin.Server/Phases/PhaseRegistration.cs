using Olorin.Core.Phases;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Postgres;
using Olorin.Server.Configuration;
using Olorin.Server.Persistence;

namespace Olorin.Server.Phases;

/// <summary>
/// Composes the stores of a <c>MIGRATION_PHASE</c>: which one the host serves from (the primary), the other one, the
/// topology, the outbox's gate source and pending-change lookup, and the relay between them.
/// </summary>
public static class PhaseRegistration
{
    /// <summary><c>dual</c> and <c>mongo_primary</c>: two stores.</summary>
    public static async Task AddOlorinPhaseStoresAsync(this WebApplicationBuilder builder, PhaseSettings phase, ILogger startupLogger)
    {
        var services = builder.Services;
        var database = DatabaseOptions.From(builder.Configuration, builder.Environment);

        PhaseStores stores;
        var serving = new ActiveBackend(PostgresPersistence.BackendName);
        if (phase.SecondaryConnectionString is null)
        {
            var settings = MongoStartupSettings.BindOrAbort(builder.Configuration);
            startupLogger.LogInformation("{Phase}: connecting to MongoDB {MongoUri}, database {MongoDatabase}", phase.Phase.WireName(), settings.RedactedUri, settings.Database);
            var started = await MongoStartup.ConnectAndBootstrapAsync(settings, startupLogger, CancellationToken.None);
            if (phase.Phase == MigrationPhase.MongoPrimary && started.Succeeded)
            {
                // MongoDB decides and serves; every write of its adapter is captured in its outbox (CapturedWrites),
                // and the relay writes it back into DATABASE_URL.
                services.AddMongoServing(settings, started);
                var postgres = new OtherStore("secondary (PostgreSQL, DATABASE_URL, receiving the write-back)", isMongoSide: false, database.ConnectionString, database.MigrateOnStartup);
                stores = new PhaseStores(phase, new MigrationTopology(MigrationPhase.MongoPrimary, MongoPersistence.BackendName, PostgresPersistence.BackendName), postgres);
                serving = new ActiveBackend(MongoPersistence.BackendName);
                // The marker lives in PostgreSQL, which is not the host's store here (the outbox gate reads it).
                services.AddSingleton(_ => postgres.Marker);
            }
            else
            {
                if (phase.Phase == MigrationPhase.MongoPrimary)
                {
                    if (phase.FailOnMongoDbError)
                        throw new StartupAbortedException(
                            $"MongoDB start-up failed: {started.Error} Check MONGODB_URI (and MONGODB_DATABASE); FAIL_ON_MONGODB_ERROR=true forbids starting mongo_primary without MongoDB, which decides every write in it.");
                    // As ENABLE_MONGODB falls back: PostgreSQL serves, here as in dual (it captures, the relay catches
                    // MongoDB up once it answers). Start-up still refuses while PostgreSQL lags MongoDB (the marker).
                    serving = new ActiveBackend(PostgresPersistence.BackendName, $"MongoDB start-up failed: {started.Error}");
                    startupLogger.LogWarning("mongo_primary: MongoDB is not usable at start-up ({Error}); FAIL_ON_MONGODB_ERROR=false: PostgreSQL serves as in dual, check MONGODB_URI.", started.Error);
                }
                services.AddPostgresServing(database.ConnectionString);
                var mongo = MongoSecondary(phase, settings, started, startupLogger);
                stores = new PhaseStores(phase, new MigrationTopology(MigrationPhase.Dual, PostgresPersistence.BackendName, MongoPersistence.BackendName), mongo);
            }
        }
        else if (phase.Phase == MigrationPhase.Dual)
        {
            services.AddPostgresServing(database.ConnectionString);
            var other = new OtherStore("secondary (PostgreSQL stand-in for MongoDB, SECONDARY_DATABASE_URL)", isMongoSide: true, phase.SecondaryConnectionString, database.MigrateOnStartup);
            stores = new PhaseStores(phase, new MigrationTopology(MigrationPhase.Dual, PostgresPersistence.BackendName, MongoPersistence.BackendName), other);
        }
        else
        {
            // mongo_primary: the stand-in plays MongoDB, so the host serves from it; DATABASE_URL receives the write-back.
            services.AddPostgresServing(phase.SecondaryConnectionString);
            var other = new OtherStore("secondary (PostgreSQL, DATABASE_URL, receiving the write-back)", isMongoSide: false, database.ConnectionString, database.MigrateOnStartup);
            stores = new PhaseStores(phase, new MigrationTopology(MigrationPhase.MongoPrimary, MongoPersistence.BackendName, PostgresPersistence.BackendName), other, phase.SecondaryConnectionString);
        }
        startupLogger.LogInformation("Migration phase {Phase}: primary {Primary}, {Other}", phase.Phase.WireName(), stores.Topology.PrimaryBackend, stores.Other!.Role);

        services.AddSingleton(serving);
        services.AddSingleton(_ => stores); // a factory, so the host disposes the other store's provider
        services.AddSingleton(stores.Topology);
        services.AddSingleton(sp => new SecondaryStore(stores.Topology.SecondaryBackend!, stores.Other.Role, stores.Other.Services));
        services.AddSingleton<IPendingChanges>(sp => sp.GetRequiredService<IChangeOutbox>());
        AddRelay(services, stores, untilEmpty: false);
    }

    /// <summary>PostgreSQL alone (<c>postgres</c>, or <c>mongo</c> fallen back to PostgreSQL).</summary>
    public static void AddOlorinSinglePostgresPhase(this WebApplicationBuilder builder, PhaseSettings phase)
    {
        var services = builder.Services;
        var database = DatabaseOptions.From(builder.Configuration, builder.Environment);
        var other = phase.SecondaryConnectionString is null ? null
            : new OtherStore("PostgreSQL stand-in for MongoDB (SECONDARY_DATABASE_URL)", isMongoSide: true, phase.SecondaryConnectionString, database.MigrateOnStartup);
        var stores = new PhaseStores(phase, new MigrationTopology(MigrationPhase.Postgres, PostgresPersistence.BackendName, null), other);
        services.AddSingleton(_ => stores); // a factory, so the host disposes the other store's provider
        services.AddSingleton(stores.Topology);
        if (other is not null) AddRelay(services, stores, untilEmpty: true);
        else AddGateSource(services);
    }

    /// <summary>
    /// MongoDB (MONGODB_URI, MONGODB_DATABASE, …) as the secondary of <c>dual</c>: connected and bootstrapped now, as
    /// <c>ENABLE_MONGODB</c> does. Unreachable: <c>FAIL_ON_MONGODB_ERROR=true</c> aborts start-up; false starts anyway
    /// (PostgreSQL decides every write, the outbox holds the changes) and the relay bootstraps MongoDB once it answers.
    /// </summary>
    private static OtherStore MongoSecondary(PhaseSettings phase, MongoSettings settings, MongoStartupResult started, ILogger logger)
    {
        if (!started.Succeeded)
        {
            if (phase.FailOnMongoDbError)
                throw new StartupAbortedException(
                    $"MongoDB start-up failed: {started.Error} Check MONGODB_URI (and MONGODB_DATABASE); FAIL_ON_MONGODB_ERROR=true forbids starting dual without its secondary.");
            logger.LogWarning("MongoDB, the secondary of dual, is not usable at start-up ({Error}); PostgreSQL serves and its outbox holds the changes until MongoDB answers.", started.Error);
        }
        // Unobserved capabilities (start-up failed): the settings say which collections are time series.
        var capabilities = started.Capabilities ?? new MongoCapabilities("unknown", false, false, false, false);
        var store = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddMongoPersistence(settings, capabilities, started.ClientSettings)
            .BuildServiceProvider();
        var bootstrapped = started.Succeeded;
        return new OtherStore($"secondary (MongoDB {settings.RedactedUri}, database {settings.Database})", isMongoSide: true, store, async (provider, ct) =>
        {
            if (!bootstrapped)
            {
                var again = await MongoStartup.ConnectAndBootstrapAsync(settings, logger, ct);
                if (!again.Succeeded) throw new InvalidOperationException(again.Error);
                bootstrapped = true;
            }
            await provider.GetRequiredService<MongoChangeOutbox>().EnsureIndexesAsync(ct);
        });
    }

    /// <summary>
    /// MongoDB (MONGODB_URI, …) opened at start-up in <c>postgres</c> (no store for MongoDB in that phase) only to drain
    /// the write-back outbox <c>mongo_primary</c> left; throws when it is not usable.
    /// </summary>
    internal static async Task<OtherStore> OpenMongoWriteBackAsync(IConfiguration configuration, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = MongoStartupSettings.BindOrAbort(configuration);
        var started = await MongoStartup.ConnectAndBootstrapAsync(settings, logger, cancellationToken);
        if (!started.Succeeded) throw new InvalidOperationException($"{started.Error} Check MONGODB_URI (and MONGODB_DATABASE).");
        var store = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddMongoPersistence(settings, started.Capabilities!, started.ClientSettings)
            .BuildServiceProvider();
        var opened = new OtherStore($"MongoDB {settings.RedactedUri}, database {settings.Database} (write-back to drain)", isMongoSide: true, store,
            (provider, ct) => provider.GetRequiredService<MongoChangeOutbox>().EnsureIndexesAsync(ct));
        try
        {
            await opened.PrepareAsync(cancellationToken);
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    private static void AddRelay(IServiceCollection services, PhaseStores stores, bool untilEmpty)
    {
        var other = stores.Other!;
        services.AddSingleton(sp => new RelayRoute(
            untilEmpty ? $"leftover outbox -> {other.Role}" : $"{stores.Topology.PrimaryBackend} primary -> {other.Role}",
            sp.GetRequiredService<IChangeOutbox>(), other.Services, untilEmpty, other.PrepareAsync));
        services.AddHostedService<ChangeRelayService>();
        AddGateSource(services);
    }

    private static void AddGateSource(IServiceCollection services)
    {
        services.AddSingleton<RelayCounters>();
        services.AddSingleton<IMigrationGateSource, OutboxGateSource>();
    }
}
