using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// How run transitions are written follows the kind of detection_runs, never the server version: MongoDB 7.0 and
/// 8.0 both refuse time-series updates matched on or changing measurements (run_id, info, finished_at).
/// </summary>
public sealed class DetectionRunStorageTests
{
    [Theory]
    [InlineData("7.0.14")]
    [InlineData("8.0.4")]
    [InlineData("8.0.4-ent")]
    [InlineData("unknown")]
    public void A_legacy_time_series_is_replaced_on_every_server_version(string serverVersion)
    {
        var observed = Capabilities(serverVersion) with { TimeSeriesCollections = new HashSet<string> { "detection_runs", "audit_log" } };

        Assert.False(DetectionRunStorage.UpdatesInPlace(observed, new MongoSettings { EnableTimeSeries = true }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bootstrap_creates_a_regular_collection_whatever_the_time_series_setting(bool timeSeries)
    {
        var settings = new MongoSettings { EnableTimeSeries = timeSeries };

        Assert.True(DetectionRunStorage.UpdatesInPlace(Capabilities("8.0.4"), settings)); // not observed yet: as bootstrap creates it
        Assert.True(DetectionRunStorage.UpdatesInPlace(Capabilities("8.0.4") with { TimeSeriesCollections = new HashSet<string> { "audit_log" } }, settings));
    }

    private static MongoCapabilities Capabilities(string version)
        => new(version, TransactionsSupported: true, SearchIndexesSupported: false, VectorSearchAvailable: false, AtlasSearchAvailable: false);
}
