using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Persistence.Mongo.Bootstrap;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>An existing collection of the other kind than the settings ask for is reported, in both directions.</summary>
public sealed class CollectionKindTests
{
    private static readonly BsonDocument TimeSeriesInfo = BsonDocument.Parse("""{ "name": "audit_log", "type": "timeseries" }""");
    private static readonly BsonDocument RegularInfo = BsonDocument.Parse("""{ "name": "audit_log", "type": "collection" }""");
    private static readonly RequiredCollection AsTimeSeries = new("audit_log", new TimeSeriesSpec("timestamp", "metadata", TimeSeriesGranularity.Seconds));
    private static readonly RequiredCollection AsRegular = new("audit_log");

    [Fact]
    public void Matching_kinds_are_no_problem()
    {
        Assert.Null(MongoBootstrapper.KindMismatch(AsTimeSeries, TimeSeriesInfo));
        Assert.Null(MongoBootstrapper.KindMismatch(AsRegular, RegularInfo));
    }

    [Fact]
    public void A_regular_collection_where_a_time_series_is_wanted_is_reported()
        => Assert.Contains("regular collection", MongoBootstrapper.KindMismatch(AsTimeSeries, RegularInfo));

    [Fact]
    public void A_time_series_left_from_an_earlier_start_with_time_series_on_is_reported()
        => Assert.Contains("time series although time series are disabled", MongoBootstrapper.KindMismatch(AsRegular, TimeSeriesInfo));

    [Fact]
    public void ListCollections_entries_tell_their_kind()
    {
        Assert.True(MongoBootstrapper.IsTimeSeries(TimeSeriesInfo));
        Assert.False(MongoBootstrapper.IsTimeSeries(RegularInfo));
        Assert.False(MongoBootstrapper.IsTimeSeries(BsonDocument.Parse("""{ "name": "v", "type": "view" }""")));
    }

    [Fact]
    public void A_detection_runs_time_series_left_by_the_earlier_system_is_reported_with_the_migration()
    {
        var verdict = CollectionKindCheck.Judge(new RequiredCollection("detection_runs"),
            BsonDocument.Parse("""{ "name": "detection_runs", "type": "timeseries", "options": { "timeseries": { "timeField": "started_at", "metaField": "metadata" } } }"""));

        Assert.Equal(("timeseries", false), (verdict.Kind, verdict.WantedTimeSeries));
        Assert.Contains("guarded replace", verdict.Problem);
        Assert.Contains(CollectionKindCheck.DetectionRunsMigration, verdict.Problem);
    }

    [Fact]
    public void A_missing_collection_is_no_kind_problem()
    {
        var verdict = CollectionKindCheck.Judge(new RequiredCollection("detection_runs"), existingInfo: null);

        Assert.Equal(("missing", (string?)null), (verdict.Kind, verdict.Problem));
    }
}
