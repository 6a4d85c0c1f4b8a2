namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>What the server holds for one required collection, judged against what the catalog asks for.</summary>
/// <param name="Collection">The collection name.</param>
/// <param name="Exists">Whether <c>listCollections</c> reported it.</param>
/// <param name="IsTimeSeries">Whether it exists as a time series.</param>
/// <param name="WantedTimeSeries">Whether the catalog (settings) asks for a time series.</param>
/// <param name="Problem">What is wrong and what to do, or null when the kind is the wanted one (or it does not exist yet).</param>
public sealed record CollectionKindVerdict(string Collection, bool Exists, bool IsTimeSeries, bool WantedTimeSeries, string? Problem)
{
    /// <summary>"timeseries", "collection", or "missing" — as <c>/status/mongodb</c> and <c>verify-setup</c> print it.</summary>
    public string Kind => !Exists ? "missing" : IsTimeSeries ? "timeseries" : "collection";
}

/// <summary>
/// Judges the kind of an existing collection from its <c>listCollections</c> entry (<c>type: "timeseries"</c> or
/// <c>"collection"</c>, https://www.mongodb.com/docs/manual/reference/command/listCollections/#output). Used by the
/// bootstrapper, <c>/status/mongodb</c> and the operator tools. The kind cannot be changed in place: a collection is
/// created as a time series or not (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/).
/// </summary>
public static class CollectionKindCheck
{
    /// <summary>What to do with a <c>detection_runs</c> time series left by the earlier system.</summary>
    public const string DetectionRunsMigration =
        "migrate it to a regular collection: copy the runs into a new collection (aggregate [{ $merge: { into: \"detection_runs_regular\" } }] " +
        "on detection_runs), drop the time series, rename detection_runs_regular to detection_runs, then run bootstrap-mongodb so it gets its " +
        "unique (metadata.tenant_id, run_id) index.";

    public static bool IsTimeSeries(BsonDocument collectionInfo) => collectionInfo.GetValue("type", "collection").AsString == "timeseries";

    /// <param name="required">The catalog's collection.</param>
    /// <param name="existingInfo">Its <c>listCollections</c> entry, or null when the server has no such collection.</param>
    public static CollectionKindVerdict Judge(RequiredCollection required, BsonDocument? existingInfo)
    {
        var wanted = required.TimeSeries is not null;
        if (existingInfo is null) return new CollectionKindVerdict(required.Name, false, false, wanted, null);
        var timeSeries = IsTimeSeries(existingInfo);
        var problem = (wanted, timeSeries) switch
        {
            (false, true) when required.Name == MongoCollectionNames.DetectionRuns =>
                $"{required.Name} is a time series (created by the earlier system); runs are served through a guarded replace, " +
                $"because MongoDB updates time-series documents only on the metaField, and run_id is unique by check only. Recommended: {DetectionRunsMigration}",
            (true, false) => $"{required.Name} exists as a regular collection, not a time series; left as it is.",
            (false, true) => $"{required.Name} exists as a time series although time series are disabled; left as it is (it keeps time-series write rules).",
            _ => null,
        };
        return new CollectionKindVerdict(required.Name, true, timeSeries, wanted, problem);
    }

    /// <summary>
    /// For a collection that exists as the wanted time series: how its <c>options.timeseries</c> (timeField, metaField,
    /// granularity, as <c>listCollections</c> reports them) differ from the catalog's; empty otherwise.
    /// </summary>
    public static IReadOnlyList<string> TimeSeriesOptionProblems(RequiredCollection required, BsonDocument existingInfo)
    {
        if (required.TimeSeries is not { } spec || !IsTimeSeries(existingInfo)) return [];
        var actual = existingInfo.GetValue("options", new BsonDocument()).AsBsonDocument.GetValue("timeseries", new BsonDocument()).AsBsonDocument;
        return spec.ToDocument()
            .Where(expected => actual.GetValue(expected.Name, BsonNull.Value) != expected.Value)
            .Select(expected => $"{required.Name}: timeseries.{expected.Name} is {actual.GetValue(expected.Name, "absent")}, expected {expected.Value}")
            .ToList();
    }
}
