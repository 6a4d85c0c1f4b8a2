using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Serialization;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Health;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>Start-up, status, health and the failure classifier against a server that is not there.</summary>
public sealed class UnreachableServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_up_fails_within_the_selection_timeout_without_the_password()
    {
        var clock = Stopwatch.StartNew();

        var result = await MongoStartup.ConnectAndBootstrapAsync(UnreachableServer.Settings, NullLogger.Instance, Ct);

        Assert.True(clock.Elapsed < UnreachableServer.Bound, $"took {clock.Elapsed}");
        Assert.False(result.Succeeded);
        Assert.Null(result.Capabilities);
        Assert.Contains("mongodb://olorin:***@127.0.0.1:1/", result.Error);
        Assert.Contains("no server reachable within the server-selection timeout: 127.0.0.1:1:", result.Error);
        UnreachableServer.AssertNoPassword(result.Error);
    }

    [Fact]
    public async Task Start_up_with_invalid_settings_fails_naming_the_variables_before_connecting()
    {
        var result = await MongoStartup.ConnectAndBootstrapAsync(
            UnreachableServer.Settings with { MaxPoolSize = 5, MinPoolSize = 10 }, NullLogger.Instance, Ct);

        Assert.False(result.Succeeded);
        Assert.Equal("MONGODB_MIN_POOL_SIZE (10) must not exceed MONGODB_MAX_POOL_SIZE (5).", result.Error);
    }

    [Fact]
    public async Task Status_reports_disconnected_with_a_redacted_error_and_the_effective_pool()
    {
        var settings = UnreachableServer.Settings;
        var reporter = new MongoStatusReporter(settings, MongoClientFactory.CreateClient(settings));
        var clock = Stopwatch.StartNew();

        var report = await reporter.GetReportAsync(Ct);

        Assert.True(clock.Elapsed < UnreachableServer.Bound, $"took {clock.Elapsed}");
        Assert.True(report.Enabled);
        Assert.False(report.Connected);
        Assert.Null(report.ServerVersion);
        Assert.Null(report.PingMs);
        Assert.Equal("olorin_unreachable", report.Database);
        Assert.Equal("mongodb://olorin:***@127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500", report.Uri);
        UnreachableServer.AssertNoPassword(report.Error);
        Assert.Equal(new MongoPoolStatus(20, 100, 45_000, 500, 60_000, 500, "olorin-server"), report.Pool);
    }

    [Fact]
    public async Task The_status_report_serializes_in_snake_case()
    {
        var settings = UnreachableServer.Settings;
        var report = await new MongoStatusReporter(settings, MongoClientFactory.CreateClient(settings)).GetReportAsync(Ct);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, OlorinJson.Options));
        var root = json.RootElement;

        Assert.False(root.GetProperty("connected").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("server_version").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("indexes").GetProperty("missing").ValueKind);
        Assert.False(root.GetProperty("vector_search_available").GetBoolean());
        Assert.False(root.GetProperty("atlas_search_available").GetBoolean());
        Assert.False(root.GetProperty("transactions_supported").GetBoolean());
        Assert.Equal(100, root.GetProperty("pool").GetProperty("max_pool_size").GetInt32());
        Assert.Equal(45_000, root.GetProperty("pool").GetProperty("max_idle_time_ms").GetInt64());
        UnreachableServer.AssertNoPassword(root.GetRawText());
    }

    [Fact]
    public void A_disabled_report_says_so()
    {
        var report = MongoStatusReport.Disabled(UnreachableServer.Settings);

        Assert.False(report.Enabled);
        Assert.False(report.Connected);
        UnreachableServer.AssertNoPassword(report.Uri);
    }

    [Fact]
    public async Task Health_is_unhealthy_with_a_redacted_reason()
    {
        var settings = UnreachableServer.Settings;
        var check = new MongoHealthCheck(MongoClientFactory.CreateClient(settings), settings);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Ct);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        UnreachableServer.AssertNoPassword(result.Description);
    }

    [Fact]
    public async Task The_driver_failure_of_an_unreachable_server_is_classified_unavailable()
    {
        var client = MongoClientFactory.CreateClient(UnreachableServer.Settings);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            client.GetDatabase("x").GetCollection<BsonDocument>("y").Find(FilterDefinition<BsonDocument>.Empty).FirstOrDefaultAsync(Ct));

        var classifier = new MongoFailureClassifier();

        Assert.True(classifier.IsUnavailable(failure));
        Assert.True(classifier.IsUnavailable(new InvalidOperationException("wrapped", failure)));
        Assert.False(classifier.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.False(classifier.IsUnavailable(new FormatException("bad document")));
        Assert.Equal("mongodb", classifier.Backend);
    }
}
