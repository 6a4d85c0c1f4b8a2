using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Phases;
using Olorin.Server.Tests.Api;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Phases;

/// <summary>
/// A server in <c>dual</c> whose secondary (a PostgreSQL stand-in) refuses one document: the relay goes on with the
/// others, the refused change becomes a dead letter after <c>OUTBOX_RELAY_MAX_ATTEMPTS</c>, <c>/status/migration</c>
/// counts it and is not safe to advance, and a retry after the cause is fixed applies it without a restart.
/// </summary>
public sealed class DeadLetterStatusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct));
    }

    private static async Task<JsonObject> StatusWhenAsync(HttpClient client, Func<JsonObject, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var status = await (await client.GetAsync("/status/migration", Ct)).AssertJsonAsync(HttpStatusCode.OK);
            if (condition(status)) return status;
            Assert.True(DateTime.UtcNow < deadline, $"not within {Patience.TotalSeconds:0} s: {what}: {status.ToJsonString()}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_refused_document_becomes_a_dead_letter_shown_in_the_status_and_a_retry_applies_it()
    {
        await using var primary = await PostgresTestDatabase.CreateAsync();
        await using var standIn = await PostgresTestDatabase.CreateAsync();
        var settings = OlorinApiFactory.SettingsFor(primary.ConnectionString);
        settings["MIGRATION_PHASE"] = "dual";
        settings["SECONDARY_DATABASE_URL"] = standIn.ConnectionString;
        settings["OUTBOX_RELAY_POLL_MS"] = "50";
        settings["OUTBOX_RELAY_MAX_ATTEMPTS"] = "2";
        settings["OUTBOX_RELAY_REFUSED_BACKOFF_MS"] = "100"; // the server's setting, short: the key is tried again after 100 ms, then 200 ms
        await using var server = new OlorinApiFactory(settings);
        var client = server.CreateClient("tenant-dead", "user-1");
        var monitor = server.CreateClient();
        await StatusWhenAsync(monitor, s => s["outbox"]?["capture_on"]?.GetValue<bool>() == true, "dual started");
        await ScalarAsync(standIn.ConnectionString, "ALTER TABLE detectors ADD CONSTRAINT refuse_poison CHECK (name <> 'poison'); SELECT 0");

        var poison = $"det-{Guid.NewGuid():N}";
        var fine = $"det-{Guid.NewGuid():N}";
        var body = DetectorsApiTests.ValidDetector(poison);
        body["name"] = "poison";
        (await client.PostAsJsonAsync("/detectors", body, Ct)).EnsureSuccessStatusCode(); // the primary decides: accepted
        (await client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(fine), Ct)).EnsureSuccessStatusCode();

        var status = await StatusWhenAsync(monitor, s => s["outbox"]!["dead_letters"]!.GetValue<long>() == 1 && s["outbox"]!["depth"]!.GetValue<long>() == 0,
            "the poison detector is a dead letter and the rest drained");
        Assert.False(status["safe_to_advance"]!.GetValue<bool>());
        Assert.Contains(status["reasons"]!.AsArray(), r => r!.GetValue<string>().StartsWith("outbox: dead letters: 1 change(s) the other store refused 2 times", StringComparison.Ordinal));
        Assert.True(status["outbox"]!["refused"]!.GetValue<long>() >= 2);
        Assert.Equal(1, await ScalarAsync(standIn.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{fine}'"));
        Assert.Equal(0, await ScalarAsync(standIn.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{poison}'"));

        await ScalarAsync(standIn.ConnectionString, "ALTER TABLE detectors DROP CONSTRAINT refuse_poison; SELECT 0");
        Assert.Equal(1, await server.Services.GetRequiredService<IChangeOutbox>().RetryDeadLettersAsync(Ct));
        status = await StatusWhenAsync(monitor, s => s["outbox"]!["dead_letters"]!.GetValue<long>() == 0 && s["outbox"]!["depth"]!.GetValue<long>() == 0,
            "the retried dead letter is applied");
        Assert.DoesNotContain(status["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains("dead letters", StringComparison.Ordinal));
        Assert.Equal(1, await ScalarAsync(standIn.ConnectionString, $"SELECT count(*) FROM detectors WHERE detector_id = '{poison}'"));
    }
}
