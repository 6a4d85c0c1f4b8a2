using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// MongoDB 7.0 refuses updates of time-series measurement fields (and updates matched on them); detection-run
/// transitions must then replace the run instead of updating it.
/// </summary>
public sealed class TimeSeriesUpdatesTests
{
    [Theory]
    [InlineData("7.0.0", false)]
    [InlineData("7.0.14", false)]
    [InlineData("6.0.19", false)]
    [InlineData("7.1.0-rc0", true)]
    [InlineData("7.3.4", true)]
    [InlineData("8.0.4", true)]
    [InlineData("8.0.4-ent", true)]
    [InlineData("10.0.0", true)]
    [InlineData("unknown", false)]
    [InlineData("", false)]
    public void Measurement_fields_are_updated_in_place_from_7_1_only(string serverVersion, bool inPlace)
        => Assert.Equal(inPlace, TimeSeriesUpdates.InPlace(Capabilities(serverVersion), new MongoSettings { EnableTimeSeries = true }));

    [Fact]
    public void Without_time_series_every_server_updates_in_place()
        => Assert.True(TimeSeriesUpdates.InPlace(Capabilities("7.0.14"), new MongoSettings { EnableTimeSeries = false }));

    private static MongoCapabilities Capabilities(string version)
        => new(version, TransactionsSupported: true, SearchIndexesSupported: false, VectorSearchAvailable: false, AtlasSearchAvailable: false);
}
