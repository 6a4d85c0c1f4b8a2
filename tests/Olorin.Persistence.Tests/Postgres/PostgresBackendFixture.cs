using Microsoft.Extensions.DependencyInjection;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>Real PostgreSQL + pgvector: a fresh database per test class, migrated with the committed EF migrations.</summary>
public sealed class PostgresBackendFixture : IBackendFixture, IAsyncLifetime
{
    private TestStore? _shared;

    public string Backend => PostgresPersistence.BackendName;
    public string? SkipReason => null;
    public TestStore Shared => _shared ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync() => _shared = await CreateIsolatedStoreAsync();

    public async Task<TestStore> CreateIsolatedStoreAsync()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddPostgresPersistence(database.ConnectionString)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await services.MigratePostgresAsync();
        return new TestStore(services, database.DisposeAsync);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null) await _shared.DisposeAsync();
    }
}
