using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Host;

/// <summary>
/// The database goes away while the API runs: data calls and /health/ready answer 503 ProblemDetails (never a hang,
/// never a 500), and once the database is back the same process recovers without a restart.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private TcpProxy? _proxy;
    private OlorinApiFactory? _factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        _proxy = new TcpProxy(direct.Host!, direct.Port);
        _proxy.Start();
        var viaProxy = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Host = "127.0.0.1", Port = _proxy.Port };
        _factory = new OlorinApiFactory(OlorinApiFactory.SettingsFor(viaProxy.ConnectionString));
        _ = _factory.Server;
    }

    [Fact]
    public async Task Stopping_the_database_gives_503s_and_starting_it_again_recovers()
    {
        var client = _factory!.CreateClient("t1", "u1");
        client.Timeout = TimeSpan.FromSeconds(30); // a hang fails the test instead of blocking the run
        var created = await (await client.PostAsync("/investigations", HttpAssertions.RawJson("{}"), Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var id = created["investigation_id"]!.GetValue<string>();

        _proxy!.Stop();

        var read = await client.GetAsync($"/investigations/{id}", Ct);
        await read.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(read.Headers.RetryAfter);
        await (await client.GetAsync("/investigations", Ct)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        var ready = await (await client.GetAsync("/health/ready", Ct)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", ready["checks"]![0]!["status"]!.GetValue<string>());
        await (await client.GetAsync("/health/live", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        _proxy.Start();

        // Pooled connections cut by the outage are discarded as they fail; a few attempts at most.
        await EventuallyAsync(() => client.GetAsync("/health/ready", Ct));
        var again = await EventuallyAsync(() => client.GetAsync($"/investigations/{id}", Ct));
        Assert.Equal(id, (await again.AssertJsonAsync(HttpStatusCode.OK))["investigation_id"]!.GetValue<string>());
    }

    private static async Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await call();
            if (response.IsSuccessStatusCode || attempt == 20) return response;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(100, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
