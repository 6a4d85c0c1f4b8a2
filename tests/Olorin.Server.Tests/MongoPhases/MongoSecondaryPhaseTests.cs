using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.MongoPhases;

/// <summary>
/// The migration phases with MongoDB itself (MONGODB_URI, no SECONDARY_DATABASE_URL), against an unreachable server
/// (none exists here): dual starts as far as it can, or fails the documented way under FAIL_ON_MONGODB_ERROR; so does
/// mongo_primary, which without MongoDB falls back to PostgreSQL serving as in dual.
/// </summary>
public sealed class MongoSecondaryPhaseTests(PostgresApiFixture postgres) : IClassFixture<PostgresApiFixture>
{
    private const string Password = "hunter2-secret";
    private const string UnreachableUri = $"mongodb://olorin:{Password}@127.0.0.1:1/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string?> Settings(string phase, bool failOnError)
    {
        var settings = OlorinApiFactory.SettingsFor(postgres.Database.ConnectionString, migrate: false);
        settings["MIGRATION_PHASE"] = phase;
        settings["FAIL_ON_MONGODB_ERROR"] = failOnError ? "true" : "false";
        settings["MONGODB_URI"] = UnreachableUri;
        settings["MONGODB_SERVER_SELECTION_TIMEOUT_MS"] = "500";
        settings["MONGODB_CONNECT_TIMEOUT_MS"] = "500";
        settings["OUTBOX_RELAY_MAX_BACKOFF_MS"] = "1000";
        return settings;
    }

    [Fact]
    public void Dual_with_an_unreachable_MongoDB_and_fail_on_error_refuses_naming_MONGODB_URI()
    {
        using var factory = new OlorinApiFactory(Settings("dual", failOnError: true));

        var error = Assert.Throws<StartupAbortedException>(() => factory.Server);

        Assert.Contains("MONGODB_URI", error.Message);
        Assert.Contains("dual", error.Message);
        Assert.DoesNotContain(Password, error.Message);
    }

    [Fact]
    public async Task Dual_with_an_unreachable_MongoDB_serves_from_PostgreSQL_and_the_outbox_holds_the_change()
    {
        await using var factory = new OlorinApiFactory(Settings("dual", failOnError: false));
        var client = factory.CreateClient("t-mongo-dual", "u1");

        var created = await client.PostAsJsonAsync("/investigations", new { investigation_id = $"inv-{Guid.NewGuid():N}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var raw = await client.GetStringAsync("/status/migration", Ct);
        Assert.DoesNotContain(Password, raw);
        var report = JsonNode.Parse(raw)!.AsObject();
        Assert.Equal("dual", (string?)report["phase"]);
        Assert.False((bool)report["safe_to_advance"]!);
    }

    [Fact]
    public void Mongo_primary_with_an_unreachable_MongoDB_and_fail_on_error_stops_naming_MONGODB_URI()
    {
        using var factory = new OlorinApiFactory(Settings("mongo_primary", failOnError: true));

        var error = Assert.Throws<StartupAbortedException>(() => factory.Server);

        Assert.Contains("MONGODB_URI", error.Message);
        Assert.Contains("mongo_primary", error.Message);
        Assert.DoesNotContain("this build does not do yet", error.Message);
        Assert.DoesNotContain("SECONDARY_DATABASE_URL", error.Message);
        Assert.DoesNotContain(Password, error.Message);
    }

    [Fact]
    public async Task Mongo_primary_with_an_unreachable_MongoDB_and_no_fail_on_error_serves_from_PostgreSQL_as_in_dual()
    {
        await using var factory = new OlorinApiFactory(Settings("mongo_primary", failOnError: false));
        var client = factory.CreateClient("t-mongo-primary-fallback", "u1");

        var created = await client.PostAsJsonAsync("/investigations", new { investigation_id = $"inv-{Guid.NewGuid():N}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var status = JsonNode.Parse(await client.GetStringAsync("/status", Ct))!.AsObject();
        Assert.Equal("postgres", (string?)status["backend"]);
        Assert.Contains("MongoDB start-up failed", (string?)status["fallback_reason"]);
        var report = JsonNode.Parse(await client.GetStringAsync("/status/migration", Ct))!.AsObject();
        Assert.False((bool)report["safe_to_advance"]!);
    }
}
