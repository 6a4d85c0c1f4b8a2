using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Whether a stored time-series measurement can be changed with an update command. MongoDB 7.0 updates a time
/// series only when the query and the change touch nothing but the metaField (multi: true, no upsert); updates
/// matched on, or changing, measurement fields (run_id, finished_at, info) arrive in 7.1 (8.0 LTS). Deletes with
/// any filter work from 7.0, so below 7.1 a measurement is changed by a guarded delete and a re-insert.
/// </summary>
public static class TimeSeriesUpdates
{
    public static Version ArbitraryUpdatesSince { get; } = new(7, 1);

    /// <summary>True when <c>detection_runs</c> is a regular collection or the server updates measurement fields.</summary>
    public static bool InPlace(MongoCapabilities capabilities, MongoSettings settings)
        => !capabilities.IsTimeSeries(MongoCollectionNames.DetectionRuns, settings)
           || ServerAtLeast(capabilities.ServerVersion, ArbitraryUpdatesSince);

    /// <summary>
    /// Compares the leading <c>major.minor</c> of a <c>buildInfo</c> version ("7.0.14", "8.0.4-ent", "7.1.0-rc0");
    /// an unreadable version is taken as too old, which selects the path that works on every version.
    /// </summary>
    public static bool ServerAtLeast(string serverVersion, Version minimum)
    {
        var parts = serverVersion.Split('.', '-', '+');
        return parts.Length >= 2
            && int.TryParse(parts[0], out var major)
            && int.TryParse(parts[1], out var minor)
            && new Version(major, minor) >= minimum;
    }
}
