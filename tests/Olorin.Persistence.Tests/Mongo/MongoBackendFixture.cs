using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Mongo;

/// <summary>
/// Real MongoDB: a fresh database per test class, bootstrapped by <see cref="MongoStartup"/> exactly as the server
/// does. The server is found once per test process (<see cref="ServerAsync"/>); without one the class is skipped
/// with the reason.
/// </summary>
public class MongoBackendFixture : IBackendFixture, IAsyncLifetime
{
    private TestStore? _shared;

    public string Backend => MongoPersistence.BackendName;
    public string? SkipReason { get; private set; }
    public TestStore Shared => _shared ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync()
    {
        var server = await ServerAsync();
        SkipReason = server.SkipReason;
        if (SkipReason is null) _shared = await CreateIsolatedStoreAsync();
    }

    public async Task<TestStore> CreateIsolatedStoreAsync()
    {
        var settings = AdjustSettings(await NewDatabaseSettingsAsync());
        await PrepareDatabaseAsync(settings);
        var started = await MongoStartup.ConnectAndBootstrapAsync(settings, NullLogger.Instance, CancellationToken.None);
        if (!started.Succeeded) throw new InvalidOperationException($"MongoDB test database could not be bootstrapped: {started.Error}");
        if (started.Bootstrap!.SearchIndexesCreated.Count > 0)
        {
            // New search indexes build asynchronously; the similarity and search contracts need them queryable.
            using var client = MongoClientFactory.CreateClient(settings);
            await MongoBootstrapper.WaitForSearchIndexesAsync(
                client.GetDatabase(settings.Database), IndexCatalog.For(settings), TimeSpan.FromMinutes(2), CancellationToken.None);
            // A just-created index is not used before it is queryable: start again, as a restarted server would.
            started = await MongoStartup.ConnectAndBootstrapAsync(settings, NullLogger.Instance, CancellationToken.None);
            if (!started.Succeeded) throw new InvalidOperationException($"MongoDB test database could not be bootstrapped again: {started.Error}");
        }

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddMongoPersistence(settings, Adjust(started.Capabilities!))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return new TestStore(services, () => DropAsync(settings));
    }

    /// <summary>The settings the store is bootstrapped and run with; a variant fixture can turn features off.</summary>
    protected virtual MongoSettings AdjustSettings(MongoSettings settings) => settings;

    /// <summary>Runs before bootstrap on the new database; a variant fixture can create what an earlier system left.</summary>
    protected virtual Task PrepareDatabaseAsync(MongoSettings settings) => Task.CompletedTask;

    /// <summary>The capabilities the repositories are given; a variant fixture can make them those of another server.</summary>
    protected virtual MongoCapabilities Adjust(MongoCapabilities probed) => probed;

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null) await _shared.DisposeAsync();
    }

    /// <summary>Settings for a brand-new, uniquely named database on the test server (which must be available).</summary>
    public static async Task<MongoSettings> NewDatabaseSettingsAsync()
    {
        var server = await ServerAsync();
        return new MongoSettings
        {
            Uri = server.Uri ?? throw new InvalidOperationException(server.SkipReason),
            Database = $"olorin_test_{Guid.NewGuid():N}",
            MinPoolSize = 0,
            MaxPoolSize = 20,
        };
    }

    public static async ValueTask DropAsync(MongoSettings settings)
    {
        using var client = MongoClientFactory.CreateClient(settings);
        await client.DropDatabaseAsync(settings.Database);
    }

    /// <summary>The MongoDB server for this test process, found once: <c>OLORIN_TEST_MONGODB_URI</c>, else a container.</summary>
    public static Task<TestServer> ServerAsync() => Server.Value;

    private static readonly Lazy<Task<TestServer>> Server = new(FindServerAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public sealed record TestServer(string? Uri, string? SkipReason);

    private const string NoServer =
        "MongoDB contract tests skipped: no MongoDB server reachable (set OLORIN_TEST_MONGODB_URI, or run with a Docker engine for Testcontainers)";

    private const string AtlasLocalImage = "mongodb/mongodb-atlas-local";

    private static IContainer? _container;

    private static async Task<TestServer> FindServerAsync()
    {
        if (Environment.GetEnvironmentVariable("OLORIN_TEST_MONGODB_URI") is { Length: > 0 } uri) return new TestServer(uri, null);
        if (!await DockerEngineAnswersAsync()) return new TestServer(null, NoServer);
        try
        {
            // The Atlas local image (single-node replica set with mongot) gives transactions, $vectorSearch and $search.
            // It is configured with MONGODB_* variables and reports readiness through its health check, unlike the
            // image the MongoDbBuilder module targets, hence the generic builder.
            _container = new ContainerBuilder(AtlasLocalImage)
                .WithPortBinding(27017, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilContainerIsHealthy())
                .Build();
            await _container.StartAsync();
            return new TestServer($"mongodb://{_container.Hostname}:{_container.GetMappedPublicPort(27017)}/?directConnection=true", null);
        }
        catch (Exception e)
        {
            return new TestServer(null, $"{NoServer}. Starting {AtlasLocalImage} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A quick look for a Docker engine (DOCKER_HOST or the default socket), so a machine without one skips at once.</summary>
    private static async Task<bool> DockerEngineAnswersAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            if (host is { Length: > 0 } && host.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
            {
                var endpoint = new Uri(host);
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
                return true;
            }
            var path = host is { Length: > 0 } && host.StartsWith("unix://", StringComparison.OrdinalIgnoreCase) ? host["unix://".Length..] : "/var/run/docker.sock";
            if (!File.Exists(path)) return false;
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or UriFormatException or IOException)
        {
            return false;
        }
    }
}
