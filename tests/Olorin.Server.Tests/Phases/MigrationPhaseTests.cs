using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Phases;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Outbox;
using Olorin.Server.Tests.Api;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Phases;

/// <summary>
/// The server in the migration phases, with two PostgreSQL databases (DATABASE_URL and the stand-in for MongoDB,
/// SECONDARY_DATABASE_URL): writes in dual reach the secondary through the relay; a secondary that is away only
/// delays them; a stopped server's captured writes reach the secondary after a restart; mongo_primary writes back to
/// PostgreSQL, marks it, and a later start in postgres drains the write-back, or refuses when it cannot.
/// </summary>
public sealed class MigrationPhaseTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private PostgresTestDatabase postgres = null!;
    private PostgresTestDatabase standIn = null!;
    private TcpProxy proxy = null!;

    public async ValueTask InitializeAsync()
    {
        postgres = await PostgresTestDatabase.CreateAsync();
        standIn = await PostgresTestDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(standIn.ConnectionString);
        proxy = new TcpProxy(server.Host!, server.Port);
        proxy.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await proxy.DisposeAsync();
        await standIn.DisposeAsync();
        await postgres.DisposeAsync();
    }

    /// <summary>The stand-in, reached through the proxy (so a test can take it away).</summary>
    private string StandInThroughProxy => new NpgsqlConnectionStringBuilder(standIn.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;

    private OlorinApiFactory Server(string phase, params (string Key, string? Value)[] extra)
    {
        var settings = OlorinApiFactory.SettingsFor(postgres.ConnectionString);
        settings["MIGRATION_PHASE"] = phase;
        settings["SECONDARY_DATABASE_URL"] = StandInThroughProxy;
        settings["OUTBOX_RELAY_POLL_MS"] = "50";
        settings["OUTBOX_RELAY_MAX_BACKOFF_MS"] = "300";
        foreach (var (key, value) in extra) settings[key] = value;
        return new OlorinApiFactory(settings);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Patience.TotalSeconds:0} s: {what}");
            await Task.Delay(100, Ct);
        }
    }

    private static async Task<string> CreateDetectorAsync(HttpClient client)
    {
        var id = $"det-{Guid.NewGuid():N}";
        (await client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(id), Ct)).EnsureSuccessStatusCode();
        return id;
    }

    [Fact]
    public async Task Dual_relays_creates_updates_and_deletes_and_shows_the_phase_in_status()
    {
        await using var server = Server("dual");
        var client = server.CreateClient("tenant-dual", "user-1");
        var kept = await CreateDetectorAsync(client);
        var deleted = await CreateDetectorAsync(client);
        (await client.PostAsJsonAsync("/investigations", new { investigation_id = "inv-dual-1" }, Ct)).EnsureSuccessStatusCode();
        (await client.PatchAsync($"/detectors/{kept}", JsonContent.Create(new { name = "renamed" }), Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/detectors/{deleted}", Ct)).StatusCode);

        await EventuallyAsync(async () => await ScalarAsync(standIn.ConnectionString,
            $"SELECT count(*) FROM detectors WHERE detector_id = '{kept}' AND name = 'renamed'") == 1
            && await ScalarAsync(standIn.ConnectionString, "SELECT count(*) FROM investigation_states WHERE investigation_id = 'inv-dual-1'") == 1
            && await ScalarAsync(standIn.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{deleted}'") == 0
            && await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox") == 0, "the secondary receives every change");

        var status = await (await server.CreateClient().GetAsync("/status", Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("dual", status!["migration_phase"]!.GetValue<string>());
        Assert.Equal("postgres", status["backend"]!.GetValue<string>());
        var topology = server.Services.GetRequiredService<MigrationTopology>();
        Assert.Equal(new MigrationTopology(MigrationPhase.Dual, "postgres", "mongodb"), topology);
        Assert.NotNull(server.Services.GetRequiredService<SecondaryStore>());
        var report = await server.Services.GetServices<IMigrationGateSource>().Single(s => s.Section == "outbox").ReportAsync(Ct);
        Assert.Empty(report.Blockers);
        Assert.True(((Olorin.Server.Phases.OutboxReport)report.Details).Applied >= 3);
    }

    [Fact]
    public async Task While_the_secondary_is_away_writes_succeed_the_outbox_grows_and_it_drains_when_it_returns()
    {
        await using var server = Server("dual");
        var client = server.CreateClient("tenant-away", "user-1");
        await CreateDetectorAsync(client);
        await EventuallyAsync(async () => await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox") == 0, "first relay");

        proxy.Stop();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await CreateDetectorAsync(client));
        Assert.True(await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox") >= 5);
        var gate = server.Services.GetServices<IMigrationGateSource>().Single(s => s.Section == "outbox");
        var away = await gate.ReportAsync(Ct);
        Assert.Contains(away.Blockers, b => b.StartsWith("outbox not drained", StringComparison.Ordinal));
        Assert.Contains(away.Blockers, b => b.StartsWith("secondary unreachable", StringComparison.Ordinal));
        // The relay polls; let it meet the missing secondary at least once before it comes back.
        await EventuallyAsync(async () => ((Olorin.Server.Phases.OutboxReport)(await gate.ReportAsync(Ct)).Details).Retried >= 1,
            "the relay retries while the secondary is away");

        proxy.Start();
        await EventuallyAsync(async () => await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox") == 0, "the outbox drains without a restart");
        Assert.Equal(6, await ScalarAsync(standIn.ConnectionString, "SELECT count(*) FROM detectors WHERE tenant_id = 'tenant-away'"));
        var back = await gate.ReportAsync(Ct);
        Assert.Empty(back.Blockers);
        Assert.True(((Olorin.Server.Phases.OutboxReport)back.Details).Retried >= 1);
    }

    [Fact]
    public async Task Changes_captured_before_a_stop_reach_the_secondary_after_the_restart()
    {
        string id;
        proxy.Stop();
        await using (var server = Server("dual"))
        {
            id = await CreateDetectorAsync(server.CreateClient("tenant-restart", "user-1"));
            Assert.Equal(1, await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox"));
        }
        proxy.Start();
        await using var restarted = Server("dual");
        _ = restarted.Server;
        await EventuallyAsync(async () => await ScalarAsync(standIn.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{id}'") == 1,
            "the change captured before the stop reaches the secondary");
    }

    /// <summary>
    /// last_accessed is part of an investigation's canonical form and of what the API serves, so its buffered flush is
    /// captured and relayed like any write (else verify-migration reports it, and reads after the switch to MongoDB
    /// would show an older value). A read costs at most one relay per LAST_ACCESSED_WRITE_INTERVAL_SECONDS: a read
    /// within the interval writes nothing, and so captures nothing.
    /// </summary>
    [Fact]
    public async Task A_read_relays_last_accessed_once_per_interval()
    {
        await using var server = Server("dual");
        var client = server.CreateClient("tenant-read", "user-1");
        (await client.PostAsJsonAsync("/investigations", new { investigation_id = "inv-read-1" }, Ct)).EnsureSuccessStatusCode();
        var gate = server.Services.GetServices<IMigrationGateSource>().Single(s => s.Section == "outbox");
        async Task<long> AppliedAsync() => ((Olorin.Server.Phases.OutboxReport)(await gate.ReportAsync(Ct)).Details).Applied;
        await EventuallyAsync(async () => await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox") == 0
            && await ScalarAsync(standIn.ConnectionString, "SELECT count(*) FROM investigation_states WHERE investigation_id = 'inv-read-1'") == 1, "the create is relayed");

        var buffer = server.Services.GetRequiredService<Olorin.Server.Persistence.LastAccessedBuffer>();
        (await client.GetAsync("/investigations/inv-read-1", Ct)).EnsureSuccessStatusCode();
        await buffer.FlushAsync(Ct);
        const string sameLastAccessed = """
            SELECT count(*) FROM investigation_states WHERE investigation_id = 'inv-read-1' AND last_accessed IS NOT NULL
            """;
        var stored = await ScalarAsync(postgres.ConnectionString, "SELECT extract(epoch FROM last_accessed)::bigint FROM investigation_states WHERE investigation_id = 'inv-read-1'");
        await EventuallyAsync(async () => await ScalarAsync(standIn.ConnectionString, sameLastAccessed) == 1
            && await ScalarAsync(standIn.ConnectionString, "SELECT extract(epoch FROM last_accessed)::bigint FROM investigation_states WHERE investigation_id = 'inv-read-1'") == stored
            && await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox") == 0, "the first read's last_accessed is relayed");

        var applied = await AppliedAsync();
        for (var i = 0; i < 3; i++) (await client.GetAsync("/investigations/inv-read-1", Ct)).EnsureSuccessStatusCode();
        await buffer.FlushAsync(Ct);
        Assert.Equal(0, await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox"));
        await Task.Delay(300, Ct); // several relay polls
        Assert.Equal(applied, await AppliedAsync());
    }

    [Fact]
    public async Task A_write_captured_by_a_server_killed_before_its_relay_reaches_the_secondary_after_the_restart()
    {
        // The secondary is unreachable, so the relay cannot apply the write before the process dies.
        proxy.Stop();
        // A child process on a loaded machine: generous connection timeouts, so a slow first connection is not a crash.
        var settings = OlorinApiFactory.SettingsFor(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Timeout = 120, CommandTimeout = 300 }.ConnectionString);
        settings["MIGRATION_PHASE"] = "dual";
        settings["SECONDARY_DATABASE_URL"] = new NpgsqlConnectionStringBuilder(StandInThroughProxy) { Timeout = 120, CommandTimeout = 300 }.ConnectionString;
        settings["OUTBOX_RELAY_POLL_MS"] = "50";
        settings["OUTBOX_RELAY_MAX_BACKOFF_MS"] = "300";
        string id;
        await using (var server = await RunningServerProcess.StartAsync(settings, TimeSpan.FromSeconds(240), Ct))
        {
            id = await CreateDetectorAsync(server.CreateClient("tenant-killed", "user-1"));
            Assert.Equal(1, await ScalarAsync(postgres.ConnectionString, $"SELECT count(*) FROM change_outbox WHERE document_id = '{id}'"));
            await server.KillHardAsync();
        }
        // Not relayed: the entry is still in the outbox (the stand-in was never reachable, so not even migrated).
        Assert.Equal(1, await ScalarAsync(postgres.ConnectionString, $"SELECT count(*) FROM change_outbox WHERE document_id = '{id}'"));

        proxy.Start();
        await using var restarted = Server("dual");
        _ = restarted.Server;
        await EventuallyAsync(async () => await ScalarAsync(standIn.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{id}'") == 1
            && await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM change_outbox") == 0,
            "the write captured before the kill reaches the secondary, and the outbox drains");
    }

    [Fact]
    public async Task Mongo_primary_writes_back_and_marks_postgres_then_postgres_drains_the_write_back_or_refuses()
    {
        string id;
        await using (var mongoPrimary = Server("mongo_primary"))
        {
            var client = mongoPrimary.CreateClient("tenant-back", "user-1");
            id = await CreateDetectorAsync(client);
            Assert.Equal(1, await ScalarAsync(standIn.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{id}'"));
            Assert.Equal(1, await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM write_back_marker"));
            await EventuallyAsync(async () => await ScalarAsync(postgres.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{id}'") == 1, "write-back");
            // The relay removes its claimed entries when its transaction on the stand-in commits, just after the
            // write-back is visible: wait for that too, or the count below sees the create's entry as well.
            await EventuallyAsync(async () => await ScalarAsync(standIn.ConnectionString, "SELECT count(*) FROM change_outbox") == 0, "write-back outbox drained");
            proxy.Stop();
            // Hold the relay off: MongoDB (the stand-in) is still reachable directly, only the relay's path is cut.
        }

        // A write MongoDB acknowledged that PostgreSQL has not received yet: the stand-in's outbox holds it.
        await using (var connection = new NpgsqlConnection(standIn.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var rename = new NpgsqlCommand($"UPDATE detectors SET name = 'acknowledged by mongodb', updated_at = now() WHERE detector_id = '{id}'", connection);
            await rename.ExecuteNonQueryAsync(Ct);
        }
        Assert.Equal(1, await ScalarAsync(standIn.ConnectionString, "SELECT count(*) FROM change_outbox"));

        // MongoDB unreachable: postgres refuses to start, naming what to do and the override.
        var settings = OlorinApiFactory.SettingsFor(postgres.ConnectionString);
        settings["MIGRATION_PHASE"] = "postgres";
        settings["SECONDARY_DATABASE_URL"] = StandInThroughProxy;
        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(1, exit.Code);
        var fatal = Assert.Single(exit.Output.Split('\n'), l => l.Contains("PostgreSQL lags writes MongoDB acknowledged", StringComparison.Ordinal));
        Assert.Contains("ALLOW_UNDRAINED_WRITE_BACK=true", fatal);
        Assert.Contains("SECONDARY_DATABASE_URL", fatal);
        Assert.DoesNotContain("   at ", exit.Output);

        // Reachable again: start-up drains the write-back, clears the marker and serves the acknowledged write.
        proxy.Start();
        await using var postgresAgain = Server("postgres");
        var detector = await (await postgresAgain.CreateClient("tenant-back", "user-1").GetAsync($"/detectors/{id}", Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("acknowledged by mongodb", detector!["name"]!.GetValue<string>());
        Assert.Equal(0, await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM write_back_marker"));
        Assert.Equal(0, await ScalarAsync(standIn.ConnectionString, "SELECT count(*) FROM change_outbox"));
    }

    [Fact]
    public async Task Mongo_primary_refuses_to_start_while_postgres_s_outbox_keeps_a_dead_letter_after_the_drain()
    {
        await using (var store = PostgresPersistence.BuildStoreProvider(postgres.ConnectionString))
            await store.MigratePostgresAsync(Ct);
        // A change dual's relay could never copy to MongoDB: the start-up drain cannot move it, so MongoDB would lack it.
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var letter = new NpgsqlCommand("""
                INSERT INTO change_relay_failures (collection, tenant_id, document_id, attempts, error, first_changed_at, last_failed_at, dead_lettered_at)
                VALUES ('detectors', 'tenant-dead', 'det-refused', 5, 'refused', now(), now(), now())
                """, connection);
            await letter.ExecuteNonQueryAsync(Ct);
        }
        var settings = OlorinApiFactory.SettingsFor(postgres.ConnectionString);
        settings["MIGRATION_PHASE"] = "mongo_primary";
        settings["SECONDARY_DATABASE_URL"] = StandInThroughProxy;
        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(1, exit.Code);
        var fatal = Assert.Single(exit.Output.Split('\n'), l => l.Contains("MongoDB lags writes PostgreSQL acknowledged", StringComparison.Ordinal));
        Assert.Contains("PostgreSQL's outbox holds 1 dead letter(s): changes MongoDB refused", fatal);
        Assert.Equal(0, await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM write_back_marker"));
    }

    [Fact]
    public async Task The_override_starts_postgres_despite_the_marker_and_the_gate_says_the_write_back_is_incomplete()
    {
        await using (var store = PostgresPersistence.BuildStoreProvider(postgres.ConnectionString))
        {
            await store.MigratePostgresAsync(Ct);
            await store.GetRequiredService<WriteBackMarker>().SetAsync("a test", Ct);
        }
        var settings = OlorinApiFactory.SettingsFor(postgres.ConnectionString);
        settings["MIGRATION_PHASE"] = "postgres";
        settings["ALLOW_UNDRAINED_WRITE_BACK"] = "true";
        await using var server = new OlorinApiFactory(settings);
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync("/status", Ct)).StatusCode);
        var report = await server.Services.GetServices<IMigrationGateSource>().Single(s => s.Section == "outbox").ReportAsync(Ct);
        Assert.Contains(report.Blockers, b => b.StartsWith("write-back incomplete", StringComparison.Ordinal));
    }

}
