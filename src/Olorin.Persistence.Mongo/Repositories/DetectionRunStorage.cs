using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// How a detection run is changed, decided by the kind of <c>detection_runs</c> the server holds (DATA-MODEL Decision 2).
/// Bootstrap creates it as a regular collection: a transition is one guarded <c>findOneAndUpdate</c>. A time series
/// left by the earlier system is still served, by a guarded replace: MongoDB 7.0 <b>and 8.0</b> update a time series
/// only when the query matches and the update modifies nothing but the metaField ("The query only matches on
/// metaField field values. The update command only modifies the metaField field value",
/// https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#updates), and run_id, info and
/// finished_at are measurements. So the server version is deliberately not consulted.
/// </summary>
public static class DetectionRunStorage
{
    /// <summary>True when <c>detection_runs</c> (as observed, else as bootstrap creates it) is a regular collection.</summary>
    public static bool UpdatesInPlace(MongoCapabilities capabilities, MongoSettings settings)
        => !capabilities.IsTimeSeries(MongoCollectionNames.DetectionRuns, settings);
}
