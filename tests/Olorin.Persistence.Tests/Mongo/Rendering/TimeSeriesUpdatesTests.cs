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

    [Fact]
    public void What_the_server_holds_decides_not_the_setting()
    {
        var observed = Capabilities("7.0.14") with { TimeSeriesCollections = new HashSet<string> { "detection_runs", "audit_log" } };
        Assert.False(TimeSeriesUpdates.InPlace(observed, new MongoSettings { EnableTimeSeries = false }));

        var regular = Capabilities("7.0.14") with { TimeSeriesCollections = new HashSet<string>() };
        Assert.True(TimeSeriesUpdates.InPlace(regular, new MongoSettings { EnableTimeSeries = true }));
    }

    [Fact]
    public void Audit_entries_join_the_transaction_only_when_audit_log_really_is_a_regular_collection()
    {
        var off = new MongoSettings { EnableTimeSeries = false };
        var on = new MongoSettings { EnableTimeSeries = true };
        var replicaSet = Capabilities("8.0.4");

        Assert.True(replicaSet.AuditInTransaction(off));
        Assert.False(replicaSet.AuditInTransaction(on));
        // Created as a time series by an earlier start with the setting on: a transaction would fail every write.
        Assert.False((replicaSet with { TimeSeriesCollections = new HashSet<string> { "audit_log" } }).AuditInTransaction(off));
        Assert.True((replicaSet with { TimeSeriesCollections = new HashSet<string>() }).AuditInTransaction(on));
        Assert.False((replicaSet with { TransactionsSupported = false }).AuditInTransaction(off));
    }

    private static MongoCapabilities Capabilities(string version)
        => new(version, TransactionsSupported: true, SearchIndexesSupported: false, VectorSearchAvailable: false, AtlasSearchAvailable: false);
}
