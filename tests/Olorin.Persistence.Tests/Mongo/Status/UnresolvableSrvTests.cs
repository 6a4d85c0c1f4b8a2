using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Health;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>
/// A <c>mongodb+srv</c> URI whose name does not resolve (the <c>.invalid</c> TLD never does, RFC 6761). The driver's
/// synchronous <c>MongoClientSettings.FromUrl</c> would look the TXT record up outside any deadline and throw a
/// DnsClient exception that is no MongoException; start-up, status and health must each answer with one clean,
/// password-free line within their deadline instead.
/// </summary>
public sealed class UnresolvableSrvTests
{
    private const string Password = "pw-srv-s3cret";

    private static readonly MongoSettings Settings = new()
    {
        Uri = $"mongodb+srv://user:{Password}@nonexistent.invalid/",
        Database = "olorin_unresolvable",
        ServerSelectionTimeoutMs = 2_000,
        ConnectTimeoutMs = 2_000,
        MinPoolSize = 0,
    };

    /// <summary>The selection timeout, the driver's grace and slack for a loaded 2-core machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(8);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_up_fails_with_one_clean_line_within_the_deadline()
    {
        var clock = Stopwatch.StartNew();

        var result = await MongoStartup.ConnectAndBootstrapAsync(Settings, NullLogger.Instance, Ct);

        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        Assert.False(result.Succeeded);
        Assert.StartsWith("MongoDB at mongodb+srv://user:***@nonexistent.invalid/ ", result.Error);
        Assert.DoesNotContain('\n', result.Error!); // StartsWith above has asserted it is there
        Assert.DoesNotContain(Password, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task The_client_source_resolves_under_the_callers_deadline()
    {
        var clients = new MongoClientSource(Settings);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<Exception>(() => clients.GetAsync(deadline.Token));

        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        Assert.Null(clients.Existing);
    }

    [Fact]
    public async Task Status_and_health_of_a_fallback_report_the_dns_failure_instead_of_throwing()
    {
        var clients = new MongoClientSource(Settings);

        var report = await new MongoStatusReporter(Settings, clients).GetReportAsync(Ct);
        var health = await new MongoHealthCheck(clients, Settings).CheckHealthAsync(new HealthCheckContext(), Ct);

        Assert.False(report.Connected);
        Assert.False(string.IsNullOrEmpty(report.Error));
        Assert.DoesNotContain(Password, report.Error);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.DoesNotContain(Password, health.Description);
    }

    [Fact]
    public void The_selection_timeout_is_read_without_any_dns_lookup()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), MongoClientFactory.ServerSelectionTimeout(Settings));
        Assert.Equal(TimeSpan.FromMilliseconds(700),
            MongoClientFactory.ServerSelectionTimeout(Settings with { Uri = Settings.Uri + "?serverSelectionTimeoutMS=700" }));
    }
}
