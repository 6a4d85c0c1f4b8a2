using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoDetectionRunRepositoryContract(MongoBackendFixture f) : DetectionRunRepositoryContract(f), IClassFixture<MongoBackendFixture>;
