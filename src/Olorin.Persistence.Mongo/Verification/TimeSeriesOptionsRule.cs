using MongoDB.Bson;
using Olorin.Persistence.Mongo.Bootstrap;

namespace Olorin.Persistence.Mongo.Verification;

/// <summary>
/// Judges one <c>listCollections</c> entry against the collection Olorin needs: its kind (time series or not) and,
/// for a time series, the <c>options.timeseries</c> fields timeField, metaField and granularity
/// (https://www.mongodb.com/docs/manual/reference/command/listCollections/#output).
/// </summary>
public static class TimeSeriesOptionsRule
{
    public static IReadOnlyList<string> Problems(RequiredCollection required, BsonDocument? info)
    {
        if (info is null) return [$"collection {required.Name} does not exist"];
        if (MongoBootstrapper.KindMismatch(required, info) is { } mismatch) return [mismatch];
        if (required.TimeSeries is not { } spec) return [];
        var actual = info.GetValue("options", new BsonDocument()).AsBsonDocument.GetValue("timeseries", new BsonDocument()).AsBsonDocument;
        var problems = new List<string>();
        foreach (var expected in spec.ToDocument())
            if (actual.GetValue(expected.Name, BsonNull.Value) != expected.Value)
                problems.Add($"{required.Name}: timeseries.{expected.Name} is {actual.GetValue(expected.Name, "absent")}, expected {expected.Value}");
        return problems;
    }
}
