using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoDetectionRunRepositoryContract(MongoBackendFixture f) : DetectionRunRepositoryContract(f), IClassFixture<MongoBackendFixture>;

/// <summary>
/// The same contract through the MongoDB 7.0 path (time-series measurements replaced by a guarded delete and an
/// insert, because 7.0 cannot update them), run on whatever server the tests use by reporting it as 7.0.
/// </summary>
public sealed class MongoDetectionRunRepositoryContractAsOn70(MongoServer70BackendFixture f) : DetectionRunRepositoryContract(f), IClassFixture<MongoServer70BackendFixture>;

/// <summary>A <see cref="MongoBackendFixture"/> whose repositories believe the server is MongoDB 7.0.0.</summary>
public sealed class MongoServer70BackendFixture : MongoBackendFixture
{
    protected override Olorin.Persistence.Mongo.Bootstrap.MongoCapabilities Adjust(Olorin.Persistence.Mongo.Bootstrap.MongoCapabilities probed)
        => probed with { ServerVersion = "7.0.0" };
}
