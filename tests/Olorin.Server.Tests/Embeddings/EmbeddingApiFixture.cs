using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Embeddings;
using Olorin.Embeddings;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Embeddings;

/// <summary>
/// A server with EMBEDDING_ENABLED on, whose embedder is the assembly's <see cref="SharedEmbedder"/> (so the model
/// is loaded once per test run, not once per server).
/// </summary>
public sealed class EmbeddingApiFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private WebApplicationFactory<Program>? _factory;

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync()
    {
        var model = await SharedEmbedder.ReadyAsync();
        _database = await PostgresTestDatabase.CreateAsync();
        var settings = OlorinApiFactory.SettingsFor(_database.ConnectionString);
        settings["EMBEDDING_ENABLED"] = "true";
        _factory = new OlorinApiFactory(settings).WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddSingleton(model);
            services.AddSingleton<ITextEmbedder>(model);
        }));
        _ = _factory.Server;
    }

    public HttpClient CreateClient(string tenant, string user)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", user);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
