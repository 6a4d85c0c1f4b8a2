using Olorin.Core.Phases;
using Olorin.Persistence.Postgres;

namespace Olorin.Server.Phases;

/// <summary>
/// The two stores of a phase, as roles: the <see cref="Primary"/> is the host's own composition (it serves every
/// request); the <see cref="Other"/> store, when there is one, is a separate service provider built from the settings:
/// the secondary in <c>dual</c> and <c>mongo_primary</c>, and in <c>postgres</c> the PostgreSQL stand-in for MongoDB
/// (<c>SECONDARY_DATABASE_URL</c>) whose write-back outbox or leftover relay the start-up drains. In
/// <c>mongo_primary</c> with a stand-in the roles swap: the host is composed over the stand-in and the other store is
/// <c>DATABASE_URL</c>.
/// </summary>
public sealed class PhaseStores(PhaseSettings settings, MigrationTopology topology, OtherStore? other, string? primaryConnectionString = null) : IAsyncDisposable
{
    /// <summary>The connection the host's PostgreSQL composition uses when it is not <c>DATABASE_URL</c> (the stand-in in <c>mongo_primary</c>).</summary>
    public string? PrimaryConnectionString { get; } = primaryConnectionString;

    public PhaseSettings Settings { get; } = settings;
    public MigrationTopology Topology { get; } = topology;
    public OtherStore? Other { get; } = other;

    public ValueTask DisposeAsync() => Other?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <param name="Role">What this store is in this phase, without secrets (e.g. "secondary PostgreSQL stand-in for MongoDB").</param>
/// <param name="IsMongoSide">True when it plays MongoDB's part (the stand-in), false when it is DATABASE_URL.</param>
public sealed class OtherStore(string role, bool isMongoSide, string connectionString, bool migrate) : IAsyncDisposable
{
    private readonly SemaphoreSlim prepared = new(1, 1);
    private bool ready;

    public string Role { get; } = role;
    public bool IsMongoSide { get; } = isMongoSide;
    public ServiceProvider Services { get; } = PostgresPersistence.BuildStoreProvider(connectionString);
    public IChangeOutbox Outbox => Services.GetRequiredService<IChangeOutbox>();
    public Olorin.Persistence.Postgres.Outbox.WriteBackMarker Marker => Services.GetRequiredService<Olorin.Persistence.Postgres.Outbox.WriteBackMarker>();

    /// <summary>Applies the schema migrations once (when <c>Database:MigrateOnStartup</c> is on) and checks the connection; throws when unreachable.</summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        if (ready) return true;
        await prepared.WaitAsync(cancellationToken);
        try
        {
            if (ready) return true;
            if (migrate) await Services.MigratePostgresAsync(cancellationToken);
            await Outbox.IsCaptureOnAsync(cancellationToken);
            ready = true;
            return true;
        }
        finally
        {
            prepared.Release();
        }
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
