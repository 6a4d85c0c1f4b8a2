using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Host;

/// <summary>
/// ENABLE_MONGODB against an unreachable MongoDB (no server exists here): fail fast, or fall back to PostgreSQL and
/// say so in /status, /status/mongodb and /health — never showing the URI's password.
/// </summary>
public sealed class MongoSelectionTests(PostgresApiFixture postgres) : IClassFixture<PostgresApiFixture>
{
    private const string Password = "hunter2-secret";
    private const string UnreachableUri = $"mongodb://olorin:{Password}@127.0.0.1:1/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string?> MongoSettings(bool failOnError)
    {
        var settings = OlorinApiFactory.SettingsFor(postgres.Database.ConnectionString, migrate: false);
        settings["ENABLE_MONGODB"] = "true";
        settings["FAIL_ON_MONGODB_ERROR"] = failOnError ? "true" : "false";
        settings["MONGODB_URI"] = UnreachableUri;
        settings["MONGODB_SERVER_SELECTION_TIMEOUT_MS"] = "500";
        settings["MONGODB_CONNECT_TIMEOUT_MS"] = "500";
        return settings;
    }

    [Fact]
    public async Task Disabled_mongodb_reports_enabled_false_with_200()
    {
        var response = await postgres.Factory.CreateClient().GetAsync("/status/mongodb", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.False((bool)body!["enabled"]!);
        Assert.False((bool)body["connected"]!);
    }

    [Fact]
    public async Task Unreachable_mongodb_without_fail_on_error_falls_back_to_postgres_and_says_why()
    {
        await using var factory = new OlorinApiFactory(MongoSettings(failOnError: false));
        var client = factory.CreateClient("t-fallback", "u1");

        var status = await client.GetFromJsonAsync<JsonObject>("/status", Ct);
        Assert.Equal("postgres", (string?)status!["backend"]);
        Assert.True((bool)status["enable_mongodb"]!);
        var reason = (string?)status["fallback_reason"];
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.DoesNotContain(Password, reason);

        var mongo = await client.GetAsync("/status/mongodb", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, mongo.StatusCode);
        Assert.Equal("application/problem+json", mongo.Content.Headers.ContentType?.MediaType);
        var raw = await mongo.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(Password, raw);
        var report = JsonNode.Parse(raw)!.AsObject();
        Assert.True((bool)report["enabled"]!);
        Assert.False((bool)report["connected"]!);
        Assert.Equal("mongodb://olorin:***@127.0.0.1:1/", (string?)report["uri"]);
        Assert.Equal(503, (int)report["status"]!);

        var created = await client.PostAsJsonAsync("/investigations", new { investigation_id = $"inv-{Guid.NewGuid():N}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var health = await client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var checks = (await health.Content.ReadFromJsonAsync<JsonObject>(Ct))!["checks"]!.AsArray();
        Assert.Equal("Degraded", (string?)checks.Single(c => (string?)c!["name"] == "mongodb")!["status"]);
        Assert.Equal("Healthy", (string?)checks.Single(c => (string?)c!["name"] == "postgres")!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);
    }

    [Fact]
    public void Unreachable_mongodb_with_fail_on_error_refuses_to_start_naming_mongodb_uri()
    {
        using var factory = new OlorinApiFactory(MongoSettings(failOnError: true));

        var error = Assert.Throws<StartupAbortedException>(() => factory.Server);

        Assert.Contains("MONGODB_URI", error.Message);
        Assert.DoesNotContain(Password, error.Message);
    }

    [Fact]
    public void Min_pool_above_max_pool_refuses_to_start_naming_both_variables()
    {
        var settings = MongoSettings(failOnError: false);
        settings["MONGODB_MAX_POOL_SIZE"] = "5";
        settings["MONGODB_MIN_POOL_SIZE"] = "10";
        using var factory = new OlorinApiFactory(settings);

        var error = Assert.Throws<StartupAbortedException>(() => factory.Server);

        Assert.Contains("MONGODB_MAX_POOL_SIZE", error.Message);
        Assert.Contains("MONGODB_MIN_POOL_SIZE", error.Message);
    }

    [Fact]
    public async Task The_real_process_exits_1_with_one_error_line_when_mongodb_is_required_but_unreachable()
    {
        var exit = await ServerProcess.RunUntilExitAsync(MongoSettings(failOnError: true), TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(1, exit.Code);
        Assert.DoesNotContain(Password, exit.Output);
        var fatal = Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL"));
        Assert.Contains("MONGODB_URI", fatal);
        Assert.DoesNotContain("   at ", exit.Output); // no stack trace
    }

    [Fact]
    public async Task On_demand_bootstrap_of_an_unreachable_mongodb_exits_1_naming_mongodb_uri()
    {
        var exit = await ServerProcess.RunUntilExitAsync(MongoSettings(failOnError: false), TimeSpan.FromSeconds(60), Ct, "bootstrap-mongodb");

        Assert.Equal(1, exit.Code);
        Assert.DoesNotContain(Password, exit.Output);
        Assert.Contains("MONGODB_URI", Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL")));
    }

    /// <summary>The <c>.invalid</c> TLD never resolves (RFC 6761): the mongodb+srv TXT/SRV lookups fail.</summary>
    private Dictionary<string, string?> UnresolvableSrvSettings(bool failOnError)
    {
        var settings = MongoSettings(failOnError);
        settings["MONGODB_URI"] = $"mongodb+srv://user:{Password}@nonexistent.invalid/";
        settings["MONGODB_SERVER_SELECTION_TIMEOUT_MS"] = "2000";
        return settings;
    }

    [Fact]
    public async Task An_unresolvable_mongodb_srv_name_falls_back_to_postgres_like_an_unreachable_host()
    {
        await using var factory = new OlorinApiFactory(UnresolvableSrvSettings(failOnError: false));
        var client = factory.CreateClient("t-srv", "u1");

        var status = await client.GetFromJsonAsync<JsonObject>("/status", Ct);
        Assert.Equal("postgres", (string?)status!["backend"]);
        var reason = (string?)status["fallback_reason"];
        Assert.Contains("mongodb+srv://user:***@nonexistent.invalid/", reason);
        Assert.DoesNotContain(Password, reason);

        var mongo = await client.GetAsync("/status/mongodb", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, mongo.StatusCode);
        Assert.DoesNotContain(Password, await mongo.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_real_process_exits_1_with_one_error_line_when_a_required_mongodb_srv_name_does_not_resolve()
    {
        var exit = await ServerProcess.RunUntilExitAsync(UnresolvableSrvSettings(failOnError: true), TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(1, exit.Code);
        Assert.DoesNotContain(Password, exit.Output);
        var fatal = Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL"));
        Assert.Contains("MONGODB_URI", fatal);
        Assert.Contains("nonexistent.invalid", fatal);
        Assert.DoesNotContain("   at ", exit.Output); // no stack trace
    }
}
