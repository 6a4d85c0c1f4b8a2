using Olorin.Core.Phases;
using Olorin.Persistence.Postgres.Settings;
using Olorin.Server.Configuration;

namespace Olorin.Server.Phases;

/// <summary>
/// The migration phase settings, read eagerly (the stores are composed from them before the host starts); a bad
/// value aborts start-up with one line naming the variable.
/// </summary>
/// <param name="Phase"><c>MIGRATION_PHASE</c>; unset: <c>ENABLE_MONGODB=false</c> means postgres, <c>true</c> means mongo.</param>
/// <param name="SecondaryConnectionString">
/// <c>SECONDARY_DATABASE_URL</c> (a postgresql:// URL or an Npgsql connection string): a PostgreSQL database standing
/// in for MongoDB in <c>dual</c> and <c>mongo_primary</c> (testing and rehearsals); null when unset.
/// </param>
public sealed record PhaseSettings(
    MigrationPhase Phase,
    bool PhaseExplicit,
    string? SecondaryConnectionString,
    bool AllowUndrainedWriteBack,
    int RelayBatchSize,
    TimeSpan RelayPollInterval,
    TimeSpan RelayMaxBackoff,
    bool FailOnMongoDbError,
    int RelayMaxAttempts = RelayDefaults.MaxAttempts,
    RefusalBackoff? RefusedBackoff = null)
{
    /// <summary>The wait before a refused key is tried again (<see cref="Olorin.Core.Phases.RefusalBackoff"/>); <see cref="RefusalBackoff.Default"/> unless configured.</summary>
    public RefusalBackoff RelayRefusedBackoff => RefusedBackoff ?? RefusalBackoff.Default;

    public const string PhaseVariable = "MIGRATION_PHASE";
    public const string SecondaryUrlVariable = "SECONDARY_DATABASE_URL";
    public const string AllowUndrainedVariable = "ALLOW_UNDRAINED_WRITE_BACK";
    public const string BatchSizeVariable = "OUTBOX_RELAY_BATCH_SIZE";
    public const string PollVariable = "OUTBOX_RELAY_POLL_MS";
    public const string BackoffVariable = "OUTBOX_RELAY_MAX_BACKOFF_MS";
    public const string MaxAttemptsVariable = "OUTBOX_RELAY_MAX_ATTEMPTS";
    public const string RefusedBackoffVariable = "OUTBOX_RELAY_REFUSED_BACKOFF_MS";
    public const string RefusedMaxBackoffVariable = "OUTBOX_RELAY_REFUSED_MAX_BACKOFF_MS";

    /// <summary>Whether the store that plays MongoDB's part is a PostgreSQL stand-in.</summary>
    public bool MongoSideIsStandIn => SecondaryConnectionString is not null;

    public static PhaseSettings From(IConfiguration configuration, BackendOptions backend)
    {
        var raw = configuration[PhaseVariable];
        MigrationPhase phase;
        var explicitPhase = !string.IsNullOrWhiteSpace(raw);
        if (!explicitPhase) phase = backend.EnableMongoDb ? MigrationPhase.Mongo : MigrationPhase.Postgres;
        else if (!MigrationPhases.TryParse(raw, out phase))
            throw new StartupAbortedException($"{PhaseVariable} must be one of {string.Join(", ", MigrationPhases.Names)} (was '{raw}').");

        var secondary = configuration[SecondaryUrlVariable] is { Length: > 0 } url
            ? PostgresConnectionString.ResolveValue(url, SecondaryUrlVariable)
            : null;

        return new PhaseSettings(phase, explicitPhase, secondary,
            Bool(configuration, AllowUndrainedVariable),
            Int(configuration, BatchSizeVariable, 500, 1, 10_000),
            TimeSpan.FromMilliseconds(Int(configuration, PollVariable, 200, 10, 60_000)),
            TimeSpan.FromMilliseconds(Int(configuration, BackoffVariable, 30_000, 100, 600_000)),
            backend.FailOnMongoDbError,
            Int(configuration, MaxAttemptsVariable, RelayDefaults.MaxAttempts, 1, 1000),
            RefusedBackoffFrom(configuration));
    }

    private static RefusalBackoff RefusedBackoffFrom(IConfiguration configuration)
    {
        var first = Int(configuration, RefusedBackoffVariable, (int)RefusalBackoff.Default.First.TotalMilliseconds, 0, 600_000);
        var max = Int(configuration, RefusedMaxBackoffVariable, Math.Max(first, (int)RefusalBackoff.Default.Max.TotalMilliseconds), 0, 3_600_000);
        if (max < first)
            throw new StartupAbortedException($"{RefusedMaxBackoffVariable} ({max}) must be at least {RefusedBackoffVariable} ({first}).");
        return new RefusalBackoff(TimeSpan.FromMilliseconds(first), TimeSpan.FromMilliseconds(max));
    }

    private static bool Bool(IConfiguration configuration, string name)
        => configuration[name] is not { Length: > 0 } value ? false
            : bool.TryParse(value, out var parsed) ? parsed
            : throw new StartupAbortedException($"{name} must be true or false (was '{value}').");

    private static int Int(IConfiguration configuration, string name, int fallback, int min, int max)
        => configuration[name] is not { Length: > 0 } value ? fallback
            : int.TryParse(value, out var parsed) && parsed >= min && parsed <= max ? parsed
            : throw new StartupAbortedException($"{name} must be a whole number from {min} to {max} (was '{value}').");
}
