using System.Diagnostics;
using MongoDB.Bson;
using Olorin.Cli.Setup;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Migration.Tests;

/// <summary>verify-setup without a MongoDB server: the rendered checks on sample server answers, and an unreachable server.</summary>
public sealed class VerifySetupTests
{
    private static readonly string[] FilterPaths = ["tenant_id", "severity", "detector_id"];

    private static BsonDocument VectorEntry(int dimensions = 384, bool queryable = true, string similarity = "cosine", params string[] filters) => new()
    {
        { "id", "6650a1" }, { "name", "anomaly_vector_index" }, { "type", "vectorSearch" }, { "status", queryable ? "READY" : "BUILDING" },
        { "queryable", queryable },
        { "latestDefinition", new BsonDocument("fields", new BsonArray(
            new[] { new BsonDocument { { "type", "vector" }, { "path", "embedding" }, { "numDimensions", dimensions }, { "similarity", similarity } } }
                .Concat((filters.Length == 0 ? FilterPaths : filters).Select(f => new BsonDocument { { "type", "filter" }, { "path", f } })))) },
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
        Assert.Contains("\"dimensions\" : 768", problem);
        Assert.Contains("type vectorSearch", problem);
        Assert.Contains("\"numDimensions\" : 384", problem);
        Assert.Contains("\"path\" : \"tenant_id\"", problem);
    }

    [Fact]
    public void Wrong_dimensions_similarity_missing_filters_and_a_building_index_are_each_named()
    {
        string Problem(BsonDocument entry) => Assert.Single(MongoSetupChecks.VectorSearchCheck([entry], "anomaly_vector_index", 384).Problems);
        Assert.Contains("numDimensions 768 instead of 384", Problem(VectorEntry(dimensions: 768)));
        Assert.Contains("euclidean", Problem(VectorEntry(similarity: "euclidean")));
        var filters = Problem(VectorEntry(384, true, "cosine", "tenant_id"));
        Assert.Contains("'severity' is not a filter field", filters);
        Assert.Contains("'detector_id' is not a filter field", filters);
        Assert.Contains("not queryable", Problem(VectorEntry(queryable: false)));
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
        IReadOnlyDictionary<string, BsonDocument> Only(BsonDocument info) => catalog.Collections.Where(c => c.TimeSeries is not null)
            .ToDictionary(c => c.Name, c => c.Name == timeSeries.Name ? info
                : new BsonDocument { { "name", c.Name }, { "type", "timeseries" }, { "options", new BsonDocument("timeseries", c.TimeSeries!.ToDocument()) } });
        Assert.True(MongoSetupChecks.TimeSeriesCheck(catalog, Only(right)).Passed);
        var wrongGranularity = right.DeepClone().AsBsonDocument;
        wrongGranularity["options"]["timeseries"]["granularity"] = "hours";
        Assert.Contains("granularity", Assert.Single(MongoSetupChecks.TimeSeriesCheck(catalog, Only(wrongGranularity)).Problems));
        var regular = new BsonDocument { { "name", timeSeries.Name }, { "type", "collection" } };
        Assert.Contains("regular collection", Assert.Single(MongoSetupChecks.TimeSeriesCheck(catalog, Only(regular)).Problems));

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
