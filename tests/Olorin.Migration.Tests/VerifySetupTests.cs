using System.Diagnostics;
using MongoDB.Bson;
using Olorin.Cli.Setup;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Verification;

namespace Olorin.Migration.Tests;

/// <summary>verify-setup without a MongoDB server: the rendered checks on sample server answers, and an unreachable server.</summary>
public sealed class VerifySetupTests
{
    private static BsonDocument VectorEntry(int dimensions = 384, bool queryable = true, string similarity = "cosine", params string[] filters) => new()
    {
        { "id", "6650a1" }, { "name", "anomaly_vector_index" }, { "type", "vectorSearch" }, { "status", queryable ? "READY" : "BUILDING" },
        { "queryable", queryable },
        { "latestDefinition", new BsonDocument("fields", new BsonArray(
            new[] { new BsonDocument { { "type", "vector" }, { "path", "embedding" }, { "numDimensions", dimensions }, { "similarity", similarity } } }
                .Concat((filters.Length == 0 ? MongoSetupChecks.VectorFilterPaths : filters).Select(f => new BsonDocument { { "type", "filter" }, { "path", f } })))) },
    };

    [Fact]
    public void A_ready_vector_index_as_listSearchIndexes_reports_it_passes()
    {
        var check = MongoSetupChecks.VectorSearchCheck([VectorEntry()], "anomaly_vector_index", 384);
        Assert.True(check.Passed, string.Join("; ", check.Problems));
        Assert.Contains("384 dimensions", check.Summary);
    }

    [Fact]
    public void The_old_runbooks_knnVector_768_index_fails_saying_what_to_change()
    {
        var old = new BsonDocument
        {
            { "id", "1" }, { "name", "anomaly_vector_index" }, { "type", "search" }, { "status", "READY" }, { "queryable", true },
            { "latestDefinition", BsonDocument.Parse("""{ "mappings": { "dynamic": true, "fields": { "embedding": { "type": "knnVector", "dimensions": 768, "similarity": "cosine" } } } }""") },
        };
        var check = MongoSetupChecks.VectorSearchCheck([old], "anomaly_vector_index", 384);
        Assert.False(check.Passed);
        var problem = Assert.Single(check.Problems);
        Assert.Contains("knnVector", problem);
        Assert.Contains("768 dimensions", problem);
        Assert.Contains("vectorSearch", problem);
        Assert.Contains("numDimensions 384", problem);
        Assert.Contains("\"path\" : \"tenant_id\"", problem);
    }

    [Fact]
    public void Wrong_dimensions_similarity_missing_filters_and_a_building_index_are_each_named()
    {
        Assert.Contains("set numDimensions to 384", Assert.Single(VectorSearchIndexRule.Problems(VectorEntry(dimensions: 768), "anomaly_vector_index", 384, MongoSetupChecks.VectorFilterPaths)));
        Assert.Contains("euclidean", Assert.Single(VectorSearchIndexRule.Problems(VectorEntry(similarity: "euclidean"), "anomaly_vector_index", 384, MongoSetupChecks.VectorFilterPaths)));
        var filters = VectorSearchIndexRule.Problems(VectorEntry(384, true, "cosine", "tenant_id"), "anomaly_vector_index", 384, MongoSetupChecks.VectorFilterPaths);
        Assert.Equal(2, filters.Count);
        Assert.Contains(filters, p => p.Contains("'severity'"));
        Assert.Contains("not queryable", Assert.Single(VectorSearchIndexRule.Problems(VectorEntry(queryable: false), "anomaly_vector_index", 384, MongoSetupChecks.VectorFilterPaths)));
        Assert.Contains("does not exist", Assert.Single(MongoSetupChecks.VectorSearchCheck([], "anomaly_vector_index", 384).Problems));
    }

    [Fact]
    public void Server_versions_below_7_fail_and_say_so()
    {
        Assert.True(MongoSetupChecks.VersionCheck("7.0.4").Passed);
        Assert.True(MongoSetupChecks.VersionCheck("8.0.1").Passed);
        var old = MongoSetupChecks.VersionCheck("6.0.13");
        Assert.False(old.Passed);
        Assert.Contains("7.0 or later is required", old.Summary);
    }

    [Fact]
    public void Collections_kinds_time_series_options_and_indexes_are_judged_by_content_not_names()
    {
        var catalog = IndexCatalog.For(new MongoSettings { Uri = "mongodb://localhost" });
        var timeSeries = catalog.Collections.First(c => c.TimeSeries is not null);
        var right = new BsonDocument { { "name", timeSeries.Name }, { "type", "timeseries" }, { "options", new BsonDocument("timeseries", timeSeries.TimeSeries!.ToDocument()) } };
        Assert.Empty(TimeSeriesOptionsRule.Problems(timeSeries, right));
        var wrongGranularity = right.DeepClone().AsBsonDocument;
        wrongGranularity["options"]["timeseries"]["granularity"] = "hours";
        Assert.Contains("granularity", Assert.Single(TimeSeriesOptionsRule.Problems(timeSeries, wrongGranularity)));
        var regular = new BsonDocument { { "name", timeSeries.Name }, { "type", "collection" } };
        Assert.NotEmpty(TimeSeriesOptionsRule.Problems(timeSeries, regular));

        var existing = catalog.Collections.ToDictionary(c => c.Name, c => new BsonDocument { { "name", c.Name }, { "type", c.TimeSeries is null ? "collection" : "timeseries" }, { "options", c.TimeSeries is null ? new BsonDocument() : new BsonDocument("timeseries", c.TimeSeries.ToDocument()) } });
        Assert.True(MongoSetupChecks.CollectionsCheck(catalog, existing).Passed);
        Assert.True(MongoSetupChecks.TimeSeriesCheck(catalog, existing).Passed);
        existing.Remove(catalog.Collections[0].Name);
        Assert.False(MongoSetupChecks.CollectionsCheck(catalog, existing).Passed);

        var required = catalog.Indexes.First(i => !i.IsText && i.Keys.ElementCount > 1);
        var sameNameOtherKeys = new BsonDocument { { "v", 2 }, { "name", required.Name }, { "key", new BsonDocument(required.Keys.First().Name, 1) } };
        var problem = Assert.Single(MongoSetupChecks.IndexProblems([required], [sameNameOtherKeys]));
        Assert.Contains("must be", problem);
        Assert.Empty(MongoSetupChecks.IndexProblems([required], [required.ToSpec()]));
    }

    [Fact]
    public async Task Against_an_unreachable_mongodb_the_summary_shows_connection_fail_and_exits_1_within_the_selection_timeout_plus_10_s()
    {
        var clock = Stopwatch.StartNew();
        using var cli = CliProcess.StartWith(new Dictionary<string, string> { ["MONGODB_SERVER_SELECTION_TIMEOUT_MS"] = "2000" },
            "verify-setup", "--target", "mongodb://olorin:s3cret@127.0.0.1:1/olorin");
        var result = await cli.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2 + 10) + TimeSpan.FromSeconds(20), $"took {clock.Elapsed} (process start on a loaded machine included)");
        Assert.Contains("❌ FAIL: Connection", result.Stdout);
        Assert.Contains("Total Checks: 7", result.Stdout);
        Assert.Contains("Failed: 7", result.Stdout);
        Assert.DoesNotContain("s3cret", result.Stdout + result.Stderr);
    }
}
