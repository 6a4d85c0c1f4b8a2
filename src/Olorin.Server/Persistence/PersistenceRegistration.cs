using Microsoft.Extensions.Diagnostics.HealthChecks;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Health;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;
using Olorin.Persistence.Postgres;
using Olorin.Core.Phases;
using Olorin.Server.Configuration;
using Olorin.Server.Health;
using Olorin.Server.Logging;
using Olorin.Server.Observability;
using Olorin.Server.Phases;

namespace Olorin.Server.Persistence;

/// <summary>
/// The one place that chooses the persistence backend (<c>ENABLE_MONGODB</c>, <c>FAIL_ON_MONGODB_ERROR</c>),
/// registers exactly one adapter for every port with its health check, and prepares it at start-up.
/// </summary>
public static class PersistenceRegistration
{
    public static async Task<WebApplicationBuilder> AddOlorinPersistenceAsync(this WebApplicationBuilder builder, ILogger startupLogger)
    {
        var services = builder.Services;
        var backend = builder.Configuration.Get<BackendOptions>() ?? new BackendOptions();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LastAccessedBuffer>();
        services.AddHostedService(sp => sp.GetRequiredService<LastAccessedBuffer>());
        services.AddSingleton<WriteBackCheck>();
        services.AddHostedService<WriteBackCheckRetry>();
        var phase = PhaseSettings.From(builder.Configuration, backend);
        services.AddSingleton(phase);
        if (phase.Phase.HasSecondary())
        {
            await builder.AddOlorinPhaseStoresAsync(phase, startupLogger);
            return builder;
        }

        MongoSelection.Decision? mongo = null;
        if (phase.Phase == MigrationPhase.Mongo)
            mongo = await MongoSelection.DecideAsync(builder.Configuration, backend, startupLogger, CancellationToken.None);

        if (mongo is { UseMongo: true })
        {
            services.AddMongoServing(mongo.Settings, mongo.Startup);
            services.AddSingleton(new ActiveBackend(MongoPersistence.BackendName));
            services.AddSingleton(new PhaseStores(phase, new MigrationTopology(MigrationPhase.Mongo, MongoPersistence.BackendName, null), null));
            services.AddSingleton(sp => sp.GetRequiredService<PhaseStores>().Topology);
            return builder;
        }

        var database = DatabaseOptions.From(builder.Configuration, builder.Environment);
        services.AddPostgresServing(database.ConnectionString);
        services.AddSingleton(new ActiveBackend(PostgresPersistence.BackendName, mongo?.FallbackReason));
        // PostgreSQL serves alone (phase postgres, or mongo fell back): a configured stand-in for MongoDB is still
        // opened, so start-up can drain its write-back outbox (or refuse) and finish relaying a leftover outbox.
        builder.AddOlorinSinglePostgresPhase(phase);
        if (mongo is not null)
        {
            // Enabled but fell back: /status/mongodb and /health keep probing MongoDB live. Its check reports Degraded,
            // not Unhealthy, and is not part of readiness: requests are served by PostgreSQL meanwhile. The client is
            // made on first probe, under the probe's deadline (a mongodb+srv DNS failure must not crash start-up here).
            var clients = new MongoClientSource(mongo.Settings);
            services.AddSingleton(mongo.Settings);
            services.AddSingleton(new MongoStatusReporter(mongo.Settings, clients));
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                MongoPersistence.HealthCheckName, _ => new MongoHealthCheck(clients, mongo.Settings), HealthStatus.Degraded, ["db"]));
        }
        return builder;
    }

    /// <summary>MongoDB as the store that serves requests (<c>mongo</c>, <c>mongo_primary</c>), after <paramref name="startup"/> succeeded.</summary>
    internal static void AddMongoServing(this IServiceCollection services, MongoSettings settings, MongoStartupResult startup)
    {
        services.AddMongoPersistence(settings, startup.Capabilities!, startup.ClientSettings);
        services.AddRepositoryInstrumentation(MongoPersistence.BackendName);
        services.AddHostedService<MongoAuditRelayResume>();
        if (startup.Bootstrap!.DeferredIndexes.Count > 0)
            services.AddHostedService(sp => new MongoDeferredIndexBuilds(
                sp.GetRequiredService<MongoDB.Driver.IMongoClient>(), settings, startup.Bootstrap.DeferredIndexes,
                sp.GetRequiredService<ILogger<MongoDeferredIndexBuilds>>()));
        services.AddHealthChecks().AddMongoHealthCheck();
    }

    /// <summary>PostgreSQL as the store that serves requests, over <paramref name="connectionString"/>.</summary>
    internal static void AddPostgresServing(this IServiceCollection services, string connectionString)
    {
        services.AddPostgresPersistence(connectionString);
        services.AddRepositoryInstrumentation(PostgresPersistence.BackendName);
        services.AddOptions<PostgresVectorSearchOptions>().BindConfiguration("");
        services.AddHostedService<VectorSearchWarmUpService>();
        services.AddHealthChecks().AddPostgresCheck();
    }

    /// <summary>Logs the (redacted) database target and applies migrations when PostgreSQL serves and <c>Database:MigrateOnStartup</c> is on.</summary>
    public static async Task PrepareOlorinPersistenceAsync(this WebApplication app)
    {
        var backend = app.Services.GetRequiredService<ActiveBackend>();
        if (backend.Name != PostgresPersistence.BackendName)
        {
            app.Logger.LogInformation("Persistence backend {Backend}", backend.Name);
            await MongoPhaseStartup.PrepareAsync(app.Services, app.Logger, CancellationToken.None);
            return;
        }
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var stores = app.Services.GetRequiredService<PhaseStores>();
        app.Logger.LogInformation("Persistence backend {Backend}, database {DatabaseTarget}, migrate on start-up {MigrateOnStartup}",
            backend.Name, SecretRedactor.Redact(stores.PrimaryConnectionString ?? database.ConnectionString), database.MigrateOnStartup);

        if (database.MigrateOnStartup) await app.Services.MigratePostgresAsync();
        await PhaseStartup.PrepareAsync(app.Services, app.Logger, CancellationToken.None);
    }
}
