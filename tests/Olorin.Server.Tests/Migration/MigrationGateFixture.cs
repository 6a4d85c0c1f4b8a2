using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Migration.Collections;
using Olorin.Migration.Verification;
using Olorin.Persistence.Postgres;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Migration;

/// <summary>
/// A server in phase <c>dual</c> over two real PostgreSQL databases standing in for primary and secondary (the
/// secondary composed with the PostgreSQL adapter, as the operator tools compose an endpoint), shadow-reading every
/// by-id read, with a test double for the pending changes and a gate source whose failure a test can switch on.
/// </summary>
public sealed class MigrationGateFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _primary;
    private PostgresTestDatabase? _secondaryDatabase;
    private ServiceProvider? _secondary;
    private WebApplicationFactory<Program>? _factory;

    public WebApplicationFactory<Program> Factory => _factory!;
    public IServiceProvider Secondary => _secondary!;
    public PendingChangesDouble Pending { get; } = new();
    public SwitchableGateSource Extra { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _primary = await PostgresTestDatabase.CreateAsync();
        _secondaryDatabase = await PostgresTestDatabase.CreateAsync();
        _secondary = SecondaryOver(_secondaryDatabase.ConnectionString);
        await _secondary.MigratePostgresAsync();
        _factory = DualServer(_primary.ConnectionString, _secondary, sampleRate: "1", Pending, Extra);
        _ = _factory.Server;
    }

    public static ServiceProvider SecondaryOver(string connectionString)
        => new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddPostgresPersistence(connectionString).BuildServiceProvider();

    /// <summary>A server whose primary is <paramref name="primary"/> and whose secondary store is <paramref name="secondary"/>.</summary>
    public static WebApplicationFactory<Program> DualServer(
        string primary, IServiceProvider secondary, string sampleRate, IPendingChanges? pending = null, IMigrationGateSource? extra = null)
    {
        var settings = OlorinApiFactory.SettingsFor(primary);
        settings["SHADOW_READ_SAMPLE_RATE"] = sampleRate;
        return new OlorinApiFactory(settings).WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddSingleton(new MigrationTopology(MigrationPhase.Dual, PostgresPersistence.BackendName, PostgresPersistence.BackendName));
            services.AddSingleton(new SecondaryStore(PostgresPersistence.BackendName, "secondary test database", secondary));
            if (pending is not null) services.AddSingleton<IPendingChanges>(pending);
            if (extra is not null) services.AddSingleton<IMigrationGateSource>(extra);
        }));
    }

    public HttpClient Client(string tenant)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", "alice");
        return client;
    }

    /// <summary>Copies one document of the primary to the secondary verbatim, as <c>migrate</c> does (through the ports).</summary>
    public async Task<object> CopyToSecondaryAsync(string collection, string tenantId, string id, Func<object, object>? alter = null)
    {
        var port = MigrationCollections.Select([collection]).Single();
        object? document = null;
        await using (var scope = Factory.Services.CreateAsyncScope())
            await foreach (var exported in port.ExportAsync(scope.ServiceProvider, null, TestContext.Current.CancellationToken))
                if (exported.Key == new Olorin.Migration.DocumentKey(tenantId, id)) { document = exported.Document; break; }
        Assert.NotNull(document);
        var written = alter?.Invoke(document) ?? document;
        await using (var scope = Secondary.CreateAsyncScope())
            await port.UpsertAsync(scope.ServiceProvider, [written], TestContext.Current.CancellationToken);
        return written;
    }

    public async Task RecordVerificationAsync(VerificationRecord? record)
    {
        var state = Secondary.GetRequiredService<IMigrationStateStore>();
        await state.DeleteAsync("verification/", TestContext.Current.CancellationToken);
        if (record is not null) await record.SaveAsync(state, TestContext.Current.CancellationToken);
    }

    public static VerificationRecord CleanRecord(DateTime finishedAt) => new()
    {
        Clean = true, Source = "postgresql://olorin@127.0.0.1:5432/primary", Target = "postgresql://olorin@127.0.0.1:5432/secondary",
        SourceBackend = "postgres", TargetBackend = "postgres", StartedAt = finishedAt.AddSeconds(-3), FinishedAt = finishedAt,
        Collections = MigrationCollections.Names, Compared = 10,
    };

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_secondary is not null) await _secondary.DisposeAsync();
        if (_primary is not null) await _primary.DisposeAsync();
        if (_secondaryDatabase is not null) await _secondaryDatabase.DisposeAsync();
    }
}

/// <summary>Which documents have a captured change not yet applied to the secondary (a test double for the outbox).</summary>
public sealed class PendingChangesDouble : IPendingChanges
{
    private readonly ConcurrentDictionary<string, bool> _pending = new();

    public void Add(string collection, string tenantId, string id) => _pending[$"{collection}|{tenantId}|{id}"] = true;

    public Task<bool> IsPendingAsync(string collection, string tenantId, string id, CancellationToken cancellationToken = default)
        => Task.FromResult(_pending.ContainsKey($"{collection}|{tenantId}|{id}"));
}

/// <summary>A gate source that reports nothing against advancing, unless a test makes it fail or hang.</summary>
public sealed class SwitchableGateSource : IMigrationGateSource
{
    public Exception? Failure { get; set; }
    public bool Hang { get; set; }
    public string? Blocker { get; set; }

    public string Section => "test_source";

    public async Task<MigrationGateReport> ReportAsync(CancellationToken cancellationToken = default)
    {
        if (Hang) await Task.Delay(Timeout.Infinite, cancellationToken);
        if (Failure is not null) throw Failure;
        return new MigrationGateReport(new { answered = true }, Blocker is null ? [] : [Blocker]);
    }
}
