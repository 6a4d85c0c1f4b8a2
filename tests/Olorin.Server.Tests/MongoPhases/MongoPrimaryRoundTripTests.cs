using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MongoDB.Driver;
using Npgsql;
using Olorin.Server.Tests.Api;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.MongoPhases;

/// <summary>
/// mongo_primary with MongoDB itself, end to end through the API: MongoDB serves, its writes reach PostgreSQL through
/// the write-back, and a later start in postgres drains, clears the marker and serves the last acknowledged state.
/// Needs a MongoDB server (OLORIN_TEST_MONGODB_URI, as the persistence contract suites); skipped with the reason otherwise.
/// </summary>
public sealed class MongoPrimaryRoundTripTests : IAsyncLifetime
{
    private const string NoServer =
        "mongo_primary round trip skipped: no MongoDB server configured (set OLORIN_TEST_MONGODB_URI to run mongo_primary against it)";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string mongoDatabase = $"olorin_test_{Guid.NewGuid():N}";
    private PostgresTestDatabase postgres = null!;

    public async ValueTask InitializeAsync() => postgres = await PostgresTestDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("OLORIN_TEST_MONGODB_URI") is { Length: > 0 } uri)
        {
            using var client = new MongoClient(uri);
            await client.DropDatabaseAsync(mongoDatabase, CancellationToken.None);
        }
        await postgres.DisposeAsync();
    }

    private Dictionary<string, string?> Settings(string phase, string uri)
    {
        var settings = OlorinApiFactory.SettingsFor(postgres.ConnectionString);
        settings["MIGRATION_PHASE"] = phase;
        settings["MONGODB_URI"] = uri;
        settings["MONGODB_DATABASE"] = mongoDatabase;
        settings["FAIL_ON_MONGODB_ERROR"] = "true";
        settings["OUTBOX_RELAY_POLL_MS"] = "50";
        return settings;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 60 s: {what}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task MongoDB_decides_PostgreSQL_receives_the_write_back_and_a_rollback_serves_it()
    {
        var uri = Environment.GetEnvironmentVariable("OLORIN_TEST_MONGODB_URI") ?? "";
        if (uri.Length == 0) Assert.Skip(NoServer);
        var kept = $"det-{Guid.NewGuid():N}";
        var deleted = $"det-{Guid.NewGuid():N}";

        await using (var mongoPrimary = new OlorinApiFactory(Settings("mongo_primary", uri)))
        {
            var client = mongoPrimary.CreateClient("tenant-mp", "user-1");
            var status = JsonNode.Parse(await client.GetStringAsync("/status", Ct))!.AsObject();
            Assert.Equal("mongodb", (string?)status["backend"]);
            (await client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(kept), Ct)).EnsureSuccessStatusCode();
            (await client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(deleted), Ct)).EnsureSuccessStatusCode();
            await EventuallyAsync(async () => await CountAsync($"SELECT count(*) FROM detectors WHERE detector_id IN ('{kept}', '{deleted}')") == 2, "creates written back");
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/detectors/{deleted}", Ct)).StatusCode);
            (await client.PatchAsJsonAsync($"/detectors/{kept}", new { name = "renamed in mongo_primary" }, Ct)).EnsureSuccessStatusCode();
            await EventuallyAsync(async () => await CountAsync($"SELECT count(*) FROM detectors WHERE detector_id = '{deleted}'") == 0, "delete written back");
            Assert.Equal(1, await CountAsync("SELECT count(*) FROM write_back_marker"));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/status/migration", Ct)).StatusCode);
        }

        await using var postgresAgain = new OlorinApiFactory(Settings("postgres", uri));
        var detector = await (await postgresAgain.CreateClient("tenant-mp", "user-1").GetAsync($"/detectors/{kept}", Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("renamed in mongo_primary", detector!["name"]!.GetValue<string>());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM write_back_marker"));
    }
}
