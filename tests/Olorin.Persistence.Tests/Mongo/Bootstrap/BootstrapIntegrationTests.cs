using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>Bootstrap against a real server (skipped, with the reason, when none is reachable).</summary>
public sealed class BootstrapIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bootstrap_creates_everything_once_and_a_second_run_changes_nothing()
    {
        await using var db = await RealServerDatabase.CreateAsync();

        var first = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);
        var second = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(MongoCollectionNames.All.Order(), first.Bootstrap!.CollectionsCreated.Order());
        Assert.Empty(first.Bootstrap.Problems);
        Assert.True(second.Succeeded, second.Error);
        Assert.Empty(second.Bootstrap!.CollectionsCreated);
        Assert.Empty(second.Bootstrap.SearchIndexesCreated);
        Assert.Equal(first.Bootstrap.IndexesEnsured, second.Bootstrap.IndexesEnsured);
        Assert.Equal(first.Capabilities, second.Capabilities);

        using var client = MongoClientFactory.CreateClient(db.Settings);
        var database = client.GetDatabase(db.Settings.Database);
        var catalog = IndexCatalog.For(db.Settings);
        foreach (var collection in catalog.Collections)
        {
            var indexes = await MongoBootstrapper.ExistingIndexesAsync(database.GetCollection<BsonDocument>(collection.Name), Ct);
            Assert.All(catalog.IndexesOf(collection.Name), required => Assert.Single(indexes, required.IsSatisfiedBy));
        }
    }

    [Fact]
    public async Task Time_series_collections_are_created_with_their_fields_and_granularity()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);
        Assert.True(started.Succeeded, started.Error);

        using var client = MongoClientFactory.CreateClient(db.Settings);
        var collections = await MongoBootstrapper.ExistingCollectionsAsync(client.GetDatabase(db.Settings.Database), Ct);

        foreach (var required in IndexCatalog.For(db.Settings).Collections)
        {
            var info = collections[required.Name];
            if (required.TimeSeries is { } ts)
            {
                Assert.Equal("timeseries", info["type"].AsString);
                var options = info["options"]["timeseries"].AsBsonDocument;
                Assert.Equal(ts.TimeField, options["timeField"].AsString);
                Assert.Equal(ts.MetaField, options["metaField"].AsString);
                Assert.Equal(ts.ToDocument()["granularity"].AsString, options["granularity"].AsString);
            }
            else
            {
                Assert.Equal("collection", info["type"].AsString);
            }
        }
    }

    [Fact]
    public async Task Without_time_series_the_two_collections_are_regular()
    {
        await using var db = await RealServerDatabase.CreateAsync(s => s with { EnableTimeSeries = false });
        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);
        Assert.True(started.Succeeded, started.Error);

        using var client = MongoClientFactory.CreateClient(db.Settings);
        var collections = await MongoBootstrapper.ExistingCollectionsAsync(client.GetDatabase(db.Settings.Database), Ct);

        Assert.Equal("collection", collections["detection_runs"]["type"].AsString);
        Assert.Equal("collection", collections["audit_log"]["type"].AsString);
    }

    [Fact]
    public async Task Unique_business_ids_are_enforced_by_the_server()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);
        Assert.True(started.Succeeded, started.Error);
        using var client = MongoClientFactory.CreateClient(db.Settings);
        var context = new MongoContext(client, db.Settings.Database);
        var first = Mapping.SampleDocuments.Template();
        await context.Templates.InsertOneAsync(first, cancellationToken: Ct);

        var sameId = Mapping.SampleDocuments.Template();
        sameId.Name = "another name";
        var sameName = Mapping.SampleDocuments.Template();
        sameName.TemplateId = "tpl-2";

        var duplicateId = await Assert.ThrowsAsync<MongoWriteException>(() => context.Templates.InsertOneAsync(sameId, cancellationToken: Ct));
        var duplicateName = await Assert.ThrowsAsync<MongoWriteException>(() => context.Templates.InsertOneAsync(sameName, cancellationToken: Ct));
        Assert.Equal(ServerErrorCategory.DuplicateKey, duplicateId.WriteError.Category);
        Assert.Equal(ServerErrorCategory.DuplicateKey, duplicateName.WriteError.Category);
    }

    [Fact]
    public async Task Capabilities_describe_the_server()
    {
        await using var db = await RealServerDatabase.CreateAsync();

        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);

        Assert.True(started.Succeeded, started.Error);
        var capabilities = started.Capabilities!;
        Assert.Matches(@"^\d+\.\d+", capabilities.ServerVersion);
        Assert.Equal(capabilities.SearchIndexesSupported, started.Bootstrap!.SearchIndexesSupported);
        // Just created, so still building: not used before it is queryable (review #5).
        Assert.False(capabilities.VectorSearchAvailable);
        Assert.False(capabilities.AtlasSearchAvailable);
        if (!capabilities.SearchIndexesSupported) return;

        using var client = MongoClientFactory.CreateClient(db.Settings);
        await MongoBootstrapper.WaitForSearchIndexesAsync(client.GetDatabase(db.Settings.Database), IndexCatalog.For(db.Settings), TimeSpan.FromMinutes(2), Ct);
        var again = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);
        Assert.True(again.Capabilities!.VectorSearchAvailable);
        Assert.True(again.Capabilities.AtlasSearchAvailable);
        Assert.Empty(again.Bootstrap!.Problems);
    }

    [Fact]
    public async Task Indexes_missing_on_a_populated_collection_are_deferred_not_built_inside_the_start_up()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        using var client = MongoClientFactory.CreateClient(db.Settings);
        var detectors = client.GetDatabase(db.Settings.Database).GetCollection<MongoDB.Bson.BsonDocument>("detectors");
        await detectors.InsertOneAsync(new MongoDB.Bson.BsonDocument { { "detector_id", "d1" }, { "tenant_id", "t1" } }, cancellationToken: Ct);

        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);

        Assert.True(started.Succeeded, started.Error);
        Assert.Equal(IndexCatalog.For(db.Settings).IndexesOf("detectors").Count(), started.Bootstrap!.DeferredIndexes.Count(i => i.Collection == "detectors"));
        Assert.DoesNotContain(started.Bootstrap.DeferredIndexes, i => i.Collection != "detectors");
        var problems = await MongoBootstrapper.BuildDeferredIndexesAsync(client.GetDatabase(db.Settings.Database), started.Bootstrap.DeferredIndexes, NullLogger.Instance, Ct);
        Assert.Empty(problems);
        Assert.Empty((await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct)).Bootstrap!.DeferredIndexes);
    }

    [Fact]
    public async Task A_legacy_detection_runs_time_series_is_kept_served_and_reported_with_its_migration()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        using var client = MongoClientFactory.CreateClient(db.Settings);
        var spec = IndexCatalog.LegacyDetectionRunsTimeSeries;
        await client.GetDatabase(db.Settings.Database).CreateCollectionAsync("detection_runs",
            new CreateCollectionOptions { TimeSeriesOptions = new TimeSeriesOptions(spec.TimeField, spec.MetaField, spec.Granularity) }, Ct);

        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);

        Assert.True(started.Succeeded, started.Error);
        Assert.Contains("detection_runs", started.Bootstrap!.TimeSeriesCollections);
        Assert.Contains(started.Bootstrap.Problems, p => p.Contains(CollectionKindCheck.DetectionRunsMigration, StringComparison.Ordinal));
        Assert.DoesNotContain(started.Bootstrap.Problems, p => p.Contains("metadata.tenant_id_1_run_id_1", StringComparison.Ordinal)); // created non-unique
    }
}
