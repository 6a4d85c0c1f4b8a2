using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Server.Configuration;

namespace Olorin.Server.Persistence;

/// <summary>
/// <c>ENABLE_MONGODB=true</c>: connect, ping and bootstrap MongoDB within <c>MONGODB_SERVER_SELECTION_TIMEOUT_MS</c>.
/// On failure, <c>FAIL_ON_MONGODB_ERROR=true</c> aborts start-up; false falls back to PostgreSQL and says why.
/// Invalid MONGODB_* settings always abort: they are an operator error, not an outage.
/// </summary>
public static class MongoSelection
{
    public sealed record Decision(MongoSettings Settings, MongoStartupResult Startup, string? FallbackReason)
    {
        public bool UseMongo => Startup.Succeeded;
    }

    public static async Task<Decision> DecideAsync(IConfiguration configuration, BackendOptions backend, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = MongoStartupSettings.BindOrAbort(configuration);

        logger.LogInformation("ENABLE_MONGODB=true: connecting to MongoDB {MongoUri}, database {MongoDatabase}", settings.RedactedUri, settings.Database);
        var startup = await MongoStartup.ConnectAndBootstrapAsync(settings, logger, cancellationToken);
        if (startup.Succeeded) return new Decision(settings, startup, FallbackReason: null);

        if (backend.FailOnMongoDbError)
            throw new StartupAbortedException(
                $"MongoDB start-up failed: {startup.Error} Check MONGODB_URI (and MONGODB_DATABASE); FAIL_ON_MONGODB_ERROR=true forbids falling back to PostgreSQL.");

        var reason = $"MongoDB start-up failed: {startup.Error}";
        logger.LogWarning("{FallbackReason} Falling back to PostgreSQL because FAIL_ON_MONGODB_ERROR=false; check MONGODB_URI.", reason);
        return new Decision(settings, startup, reason);
    }

    /// <summary>The backend name reported by /status for a decision.</summary>
    public static string BackendName(Decision decision)
        => decision.UseMongo ? MongoPersistence.BackendName : Olorin.Persistence.Postgres.PostgresPersistence.BackendName;
}
