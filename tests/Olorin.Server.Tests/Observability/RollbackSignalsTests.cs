using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Observability;

/// <summary>
/// The runbook's rollback triggers in /status: PostgreSQL taken away (TcpProxy) makes requests answer 503, the
/// error rate over the window crosses the threshold and rollback is advised with the reason; once it is back and
/// the window has moved on, the advice clears. A short window (3 s) keeps the test in seconds.
/// </summary>
public sealed class RollbackSignalsTests : IAsyncLifetime
{
    private const int WindowSeconds = 3;
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
        var viaProxy = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Host = "127.0.0.1", Port = _proxy.Port, MaxPoolSize = 2 };
        var settings = OlorinApiFactory.SettingsFor(viaProxy.ConnectionString);
        settings["ROLLBACK_WINDOW_SECONDS"] = WindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["ROLLBACK_MIN_REQUESTS"] = "5";
        // This test is about the error rate and the pool; a cold first request may well take over a second here.
        settings["ROLLBACK_P99_LATENCY_MS"] = "60000";
        _factory = new OlorinApiFactory(settings);
        _ = _factory.Server;
    }

    [Fact]
    public async Task An_outage_advises_rollback_for_the_error_rate_and_the_advice_clears_once_the_database_is_back()
    {
        var client = _factory!.CreateClient("rollback-tenant", "u1");
        client.Timeout = TimeSpan.FromSeconds(30);
        for (var i = 0; i < 6; i++) await (await client.GetAsync("/investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var healthy = await StatusAsync(client);
        Assert.False(healthy["rollback_advised"]!.GetValue<bool>());
        Assert.Null(healthy["rollback_reason"]);
        Assert.Equal(0, healthy["traffic"]!["server_errors"]!.GetValue<long>());
        Assert.True(healthy["traffic"]!["requests"]!.GetValue<long>() >= 6);
        Assert.NotNull(healthy["traffic"]!["p99_latency_ms"]);

        _proxy!.Stop();
        for (var i = 0; i < 6; i++) await (await client.GetAsync("/investigations", Ct)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        var outage = await StatusAsync(client);
        Assert.True(outage["rollback_advised"]!.GetValue<bool>());
        var reason = outage["rollback_reason"]!.GetValue<string>();
        Assert.Contains("error rate", reason);
        Assert.Contains("> 5%", reason);
        Assert.True(outage["traffic"]!["error_rate_percent"]!.GetValue<double>() > 5);
        // The /status and /health calls themselves are not traffic: only the 6 + 6 API requests are in the window.
        Assert.True(outage["traffic"]!["server_errors"]!.GetValue<long>() >= 6);

        var metrics = await client.GetStringAsync("/metrics", Ct);
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("olorin_http_errors_total{", StringComparison.Ordinal) && line.Contains("status_class=\"5xx\"") && line.Contains("http_route=\"/investigations/\""));
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("olorin_repository_operation_duration_seconds_count{", StringComparison.Ordinal) && line.Contains("outcome=\"failure\""));

        _proxy.Start();
        // Back: served again at once (after a retry or two), and the window forgets the outage within its length.
        var deadline = DateTime.UtcNow.AddSeconds(WindowSeconds * 5 + 10);
        JsonObject status;
        do
        {
            await client.GetAsync("/investigations", Ct);
            await Task.Delay(200, Ct);
            status = await StatusAsync(client);
        } while (status["rollback_advised"]!.GetValue<bool>() && DateTime.UtcNow < deadline);
        Assert.False(status["rollback_advised"]!.GetValue<bool>(), status.ToJsonString());
        Assert.Null(status["rollback_reason"]);
    }

    [Fact]
    public async Task A_pool_with_every_connection_in_use_advises_rollback_as_exhausted()
    {
        var client = _factory!.CreateClient("rollback-tenant", "u1");
        var dataSource = (NpgsqlDataSource)_factory.Services.GetService(typeof(NpgsqlDataSource))!;
        var connections = new List<NpgsqlConnection>();
        try
        {
            connections.Add(await dataSource.OpenConnectionAsync(Ct));
            var half = await StatusAsync(client);
            var pool = half["pools"]!.AsArray().Single(p => p!["backend"]!.GetValue<string>() == "postgres")!;
            Assert.Equal(2, pool["max"]!.GetValue<long>());
            Assert.True(pool["in_use"]!.GetValue<long>() >= 1);
            Assert.DoesNotContain("pool exhausted", half["rollback_reason"]?.GetValue<string>() ?? "");

            connections.Add(await dataSource.OpenConnectionAsync(Ct));
            var full = await StatusAsync(client);
            Assert.True(full["rollback_advised"]!.GetValue<bool>());
            Assert.Contains("postgres connection pool exhausted: 2 of 2 connections in use", full["rollback_reason"]!.GetValue<string>());
            Assert.Equal(100, full["pools"]![0]!["usage_percent"]!.GetValue<double>());
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
        var after = await StatusAsync(client);
        Assert.DoesNotContain("pool exhausted", after["rollback_reason"]?.GetValue<string>() ?? "");
    }

    private static async Task<JsonObject> StatusAsync(HttpClient client)
        => await (await client.GetAsync("/status", Ct)).AssertJsonAsync(HttpStatusCode.OK);

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
