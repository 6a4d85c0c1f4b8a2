using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Driver;
using Olorin.Core.Errors;
using Olorin.Core.Observability;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Health;
using Olorin.Persistence.Mongo.Observability;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Repositories.Capture;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Mongo;

/// <summary>Registers the MongoDB backend: client, context, capabilities, repositories, failure classifier, health and status.</summary>
public static class MongoPersistence
{
    public const string BackendName = "mongodb";

    /// <summary>The name of the health check registered by <see cref="AddMongoHealthCheck"/>.</summary>
    public const string HealthCheckName = "mongodb";

    /// <summary>
    /// Call after <see cref="MongoStartup.ConnectAndBootstrapAsync"/> succeeded, with its capabilities. Registers
    /// the client (one per process; it pools connections), <see cref="MongoContext"/>, the settings, the
    /// capabilities, <see cref="IPersistenceFailureClassifier"/>, <see cref="MongoStatusReporter"/> and every
    /// repository of this assembly (scoped). The client shares the start-up client's connections: the driver keeps
    /// one cluster per distinct client settings.
    /// </summary>
    /// <param name="clientSettings">The settings start-up connected with (<see cref="MongoStartupResult.ClientSettings"/>,
    /// the <c>mongodb+srv</c> lookup done); when null they are built from <paramref name="settings"/>.</param>
    public static IServiceCollection AddMongoPersistence(
        this IServiceCollection services, MongoSettings settings, MongoCapabilities capabilities, MongoClientSettings? clientSettings = null)
    {
        Mapping.MongoMapping.Register();
        services.AddSingleton(settings);
        services.AddSingleton(capabilities);
        services.AddSingleton<IMongoClient>(_ => MongoClientFactory.CreateClient(clientSettings ?? MongoClientFactory.CreateClientSettings(settings)));
        services.AddSingleton(sp => new MongoContext(sp.GetRequiredService<IMongoClient>(), settings.Database));
        services.AddSingleton(sp => new MongoSearchAvailability(
            sp.GetRequiredService<MongoContext>().Database, settings, capabilities, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => new MongoAuditRelay(sp.GetRequiredService<MongoContext>(), sp.GetRequiredService<CapturedWrites>()));
        services.AddSingleton<IPersistenceFailureClassifier, MongoFailureClassifier>();
        services.AddSingleton<IConnectionPoolProbe, MongoPoolProbe>();
        services.AddSingleton(sp => new MongoStatusReporter(settings, sp.GetRequiredService<IMongoClient>()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddRepositoriesFrom(typeof(MongoPersistence).Assembly);
        services.AddSingleton<IMigrationStateStore, Repositories.MongoMigrationStateStore>();
        services.AddScoped<IChangeTransferPort, Outbox.MongoChangeTransfer>();
        services.AddSingleton<Outbox.MongoChangeOutbox>();
        services.AddSingleton<Olorin.Core.Phases.IChangeOutbox>(sp => sp.GetRequiredService<Outbox.MongoChangeOutbox>());
        // Every repository write goes through CapturedWrites: intents in MongoDB's outbox while its capture switch is on.
        services.AddSingleton<IWriteIntents>(sp => new MongoWriteIntents(sp.GetRequiredService<Outbox.MongoChangeOutbox>()));
        services.AddSingleton(sp => new MongoCaptureSwitch(
            sp.GetRequiredService<Outbox.MongoChangeOutbox>().IsCaptureOnAsync, sp.GetRequiredService<TimeProvider>(), MongoCaptureSwitch.Ttl));
        services.AddSingleton<CapturedWrites>();
        return services;
    }

    /// <summary>Adds <see cref="MongoHealthCheck"/> (ping) to the health checks, tagged <c>ready</c> and <c>db</c>.</summary>
    public static IHealthChecksBuilder AddMongoHealthCheck(this IHealthChecksBuilder builder)
        => builder.AddCheck<MongoHealthCheck>(HealthCheckName, HealthStatus.Unhealthy, ["ready", "db"]);
}
