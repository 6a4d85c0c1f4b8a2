using MongoDB.Driver;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

/// <summary>detection_runs as bootstrap creates it: a regular collection (guarded findOneAndUpdate, unique run_id).</summary>
public sealed class MongoDetectionRunRepositoryContract(MongoBackendFixture f) : DetectionRunRepositoryContract(f), IClassFixture<MongoBackendFixture>;

/// <summary>
/// The same contract on a detection_runs time series left by the earlier system (guarded delete + re-insert,
/// because MongoDB 7.0 and 8.0 update time series only on the metaField), whatever version the test server is.
/// </summary>
public sealed class MongoDetectionRunRepositoryContractOnLegacyTimeSeries(MongoLegacyTimeSeriesRunsFixture f)
    : DetectionRunRepositoryContract(f), IClassFixture<MongoLegacyTimeSeriesRunsFixture>;

/// <summary>A <see cref="MongoBackendFixture"/> whose database already holds detection_runs as the earlier system's time series.</summary>
public sealed class MongoLegacyTimeSeriesRunsFixture : MongoBackendFixture
{
    protected override async Task PrepareDatabaseAsync(MongoSettings settings)
    {
        using var client = MongoClientFactory.CreateClient(settings);
        var spec = IndexCatalog.LegacyDetectionRunsTimeSeries;
        await client.GetDatabase(settings.Database).CreateCollectionAsync(MongoCollectionNames.DetectionRuns,
            new CreateCollectionOptions { TimeSeriesOptions = new TimeSeriesOptions(spec.TimeField, spec.MetaField, spec.Granularity) });
    }
}
