using Microsoft.Extensions.Options;
using Olorin.Persistence.Postgres;
using Olorin.Server.Configuration;
using Olorin.Server.Health;
using Olorin.Server.Logging;

namespace Olorin.Server.Persistence;

/// <summary>
/// The one place that chooses the persistence backend, registers its adapter and health check, and prepares it at
/// start-up. Today that is always PostgreSQL.
/// </summary>
public static class PersistenceRegistration
{
    public static WebApplicationBuilder AddOlorinPersistence(this WebApplicationBuilder builder)
    {
        var database = DatabaseOptions.From(builder.Configuration, builder.Environment);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPostgresPersistence(database.ConnectionString);
        builder.Services.AddHealthChecks().AddPostgresCheck();
        builder.Services.AddSingleton(new ActiveBackend(PostgresPersistence.BackendName));
        return builder;
    }

    /// <summary>Logs the (redacted) database target and applies migrations when <c>Database:MigrateOnStartup</c> is on.</summary>
    public static async Task PrepareOlorinPersistenceAsync(this WebApplication app)
    {
        var backend = app.Services.GetRequiredService<ActiveBackend>();
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        app.Logger.LogInformation("Persistence backend {Backend}, database {DatabaseTarget}, migrate on start-up {MigrateOnStartup}",
            backend.Name, SecretRedactor.Redact(database.ConnectionString), database.MigrateOnStartup);

        if (database.MigrateOnStartup) await app.Services.MigratePostgresAsync();
    }
}
