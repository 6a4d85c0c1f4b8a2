using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Outbox;
using Olorin.Server.Phases;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Phases;

/// <summary>
/// PostgreSQL alone, its database unreachable at start-up: the server starts, but the write-back marker check is
/// deferred, not skipped. API requests answer 503 until it has run; once the database is back the check runs and the
/// server serves, or, when MongoDB's write-back is incomplete, stops with exit code 1 and the start-up refusal's line.
/// </summary>
public sealed class WriteBackCheckTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresTestDatabase database = null!;
    private TcpProxy proxy = null!;

    public async ValueTask InitializeAsync()
    {
        database = await PostgresTestDatabase.CreateAsync();
        await using var store = PostgresPersistence.BuildStoreProvider(database.ConnectionString);
        await store.MigratePostgresAsync(Ct);
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        proxy = new TcpProxy(direct.Host!, direct.Port);
        proxy.Start();
        proxy.Stop(); // the port is known now; the database is "down" until a test starts the proxy
    }

    public async ValueTask DisposeAsync()
    {
        await proxy.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>The database through the proxy, not migrated at start-up (a migration would need the database).</summary>
    private Dictionary<string, string?> Settings()
        => OlorinApiFactory.SettingsFor(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 120, CommandTimeout = 300 }.ConnectionString, migrate: false);

    [Fact]
    public async Task Api_requests_wait_for_the_deferred_check_and_are_served_once_the_database_is_back()
    {
        await using var server = new OlorinApiFactory(Settings());
        var client = server.CreateClient("tenant-check", "user-1");
        client.Timeout = TimeSpan.FromSeconds(60);
        Assert.True(server.Services.GetRequiredService<WriteBackCheck>().Pending);

        var held = await client.GetAsync("/investigations", Ct);
        var problem = await held.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("write-back", problem["detail"]!.GetValue<string>());
        Assert.NotNull(held.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync("/status", Ct)).StatusCode); // monitoring still answers

        proxy.Start();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/investigations", Ct)).StatusCode);
        Assert.False(server.Services.GetRequiredService<WriteBackCheck>().Pending);
    }

    [Fact]
    public async Task With_the_marker_set_the_server_stops_with_the_refusal_once_the_database_is_back()
    {
        await using (var store = PostgresPersistence.BuildStoreProvider(database.ConnectionString))
            await store.GetRequiredService<WriteBackMarker>().SetAsync("a test", Ct);

        var settings = Settings();
        settings["Serilog:MinimumLevel:Default"] = "Information";
        await using var server = await RunningServerProcess.StartAsync(settings, TimeSpan.FromSeconds(240), Ct);
        var client = server.CreateClient("tenant-check", "user-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/investigations", Ct)).StatusCode);

        proxy.Start();
        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct));
        var fatal = Assert.Single(server.Output.Split('\n'), l => l.Contains("Olorin Server cannot start: PostgreSQL lags writes MongoDB acknowledged", StringComparison.Ordinal));
        Assert.Contains("ALLOW_UNDRAINED_WRITE_BACK=true", fatal);
    }
}
