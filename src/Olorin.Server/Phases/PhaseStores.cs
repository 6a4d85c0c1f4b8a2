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
/// <param name="IsMongoSide">True when it plays MongoDB's part (MongoDB itself or the stand-in), false when it is DATABASE_URL.</param>
/// <param name="Services">The store's composition: every repository port, its <see cref="IChangeOutbox"/> and <c>IChangeTransferPort</c>.</param>
/// <param name="prepare">Brings the store up once (schema migrations or MongoDB's bootstrap) and checks the connection; throws when unreachable.</param>
public sealed class OtherStore(string role, bool isMongoSide, ServiceProvider services, Func<ServiceProvider, CancellationToken, Task> prepare) : IAsyncDisposable
{
    private readonly SemaphoreSlim prepared = new(1, 1);
    private bool ready;

    /// <summary>A PostgreSQL database: the stand-in for MongoDB, or DATABASE_URL receiving the write-back.</summary>
    public OtherStore(string role, bool isMongoSide, string connectionString, bool migrate)
        : this(role, isMongoSide, PostgresPersistence.BuildStoreProvider(connectionString), async (store, ct) =>
        {
            if (migrate) await store.MigratePostgresAsync(ct);
            await store.GetRequiredService<IChangeOutbox>().IsCaptureOnAsync(ct);
        })
    {
    }

    public string Role { get; } = role;
    public bool IsMongoSide { get; } = isMongoSide;
    public ServiceProvider Services { get; } = services;
    public IChangeOutbox Outbox => Services.GetRequiredService<IChangeOutbox>();
    public Olorin.Persistence.Postgres.Outbox.WriteBackMarker Marker => Services.GetRequiredService<Olorin.Persistence.Postgres.Outbox.WriteBackMarker>();

    /// <summary>Prepares the store once (see the constructor's <c>prepare</c>); throws when unreachable.</summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        if (ready) return true;
        await prepared.WaitAsync(cancellationToken);
        try
        {
            if (ready) return true;
            await prepare(Services, cancellationToken);
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
