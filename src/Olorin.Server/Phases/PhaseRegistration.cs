using Olorin.Core.Phases;
using Olorin.Persistence.Mongo;
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
    public static void AddOlorinPhaseStores(this WebApplicationBuilder builder, PhaseSettings phase, ILogger startupLogger)
    {
        var services = builder.Services;
        var database = DatabaseOptions.From(builder.Configuration, builder.Environment);
        if (phase.SecondaryConnectionString is null)
            throw new StartupAbortedException(
                $"{PhaseSettings.PhaseVariable}={phase.Phase.WireName()} needs the change relay to and from MongoDB, which this build has only for a PostgreSQL stand-in: set {PhaseSettings.SecondaryUrlVariable} to rehearse the phase, or run in postgres or mongo.");

        PhaseStores stores;
        if (phase.Phase == MigrationPhase.Dual)
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

        services.AddSingleton(new ActiveBackend(PostgresPersistence.BackendName));
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
