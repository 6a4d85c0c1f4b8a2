namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>A collection Olorin needs; <see cref="TimeSeries"/> is set when it is created as a time series.</summary>
public sealed record RequiredCollection(string Name, TimeSeriesSpec? TimeSeries = null)
{
    public CreateCollectionOptions ToCreateOptions()
        => TimeSeries is { } ts
            ? new CreateCollectionOptions { TimeSeriesOptions = new TimeSeriesOptions(ts.TimeField, ts.MetaField, ts.Granularity) }
            : new CreateCollectionOptions();
}

/// <summary>Time-series settings (Decision 2).</summary>
public sealed record TimeSeriesSpec(string TimeField, string MetaField, TimeSeriesGranularity Granularity)
{
    /// <summary>The <c>timeseries</c> option of the <c>create</c> command, as the server reports it back.</summary>
    public BsonDocument ToDocument() => new()
    {
        { "timeField", TimeField },
        { "metaField", MetaField },
        { "granularity", Granularity.ToString().ToLowerInvariant() },
    };
}
