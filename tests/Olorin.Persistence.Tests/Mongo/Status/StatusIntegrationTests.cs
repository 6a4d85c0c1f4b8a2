using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Health;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;
using Olorin.Persistence.Tests.Mongo.Bootstrap;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>Status and health against a real server (skipped, with the reason, when none is reachable).</summary>
public sealed class StatusIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Before_bootstrap_everything_is_reported_missing()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        using var client = MongoClientFactory.CreateClient(db.Settings);

        var report = await new MongoStatusReporter(db.Settings, client).GetReportAsync(Ct);

        Assert.True(report.Connected, report.Error);
        Assert.Empty(report.Collections);
        Assert.Equal(MongoCollectionNames.All, report.MissingCollections);
        Assert.Empty(report.Indexes.Present);
        Assert.Equal(IndexCatalog.For(db.Settings).Indexes.Count, report.Indexes.Missing.Count);
    }

    [Fact]
    public async Task After_bootstrap_everything_is_present_and_counted()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);
        Assert.True(started.Succeeded, started.Error);
        using var client = MongoClientFactory.CreateClient(db.Settings);
        await new MongoContext(client, db.Settings.Database).Detectors.InsertOneAsync(Mapping.SampleDocuments.Detector(), cancellationToken: Ct);

        var report = await new MongoStatusReporter(db.Settings, client).GetReportAsync(Ct);

        Assert.True(report.Connected, report.Error);
        Assert.Null(report.Error);
        Assert.Equal(started.Capabilities!.ServerVersion, report.ServerVersion);
        Assert.Equal(started.Capabilities.TransactionsSupported, report.TransactionsSupported);
        Assert.Equal(started.Capabilities.VectorSearchAvailable, report.VectorSearchAvailable);
        Assert.Equal(started.Capabilities.AtlasSearchAvailable, report.AtlasSearchAvailable);
        Assert.Empty(report.MissingCollections);
        Assert.Empty(report.Indexes.Missing);
        Assert.Equal(MongoCollectionNames.All.Order(), report.Collections.Select(c => c.Name).Order());
        Assert.Equal(["audit_log", "detection_runs"], report.Collections.Where(c => c.TimeSeries).Select(c => c.Name).Order());
        Assert.Equal(1, report.Collections.Single(c => c.Name == "detectors").DocumentCount);
        Assert.NotNull(report.PingMs);
    }

    [Fact]
    public async Task Health_is_healthy()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        using var client = MongoClientFactory.CreateClient(db.Settings);

        var result = await new MongoHealthCheck(client, db.Settings).CheckHealthAsync(new HealthCheckContext(), Ct);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }
}
