using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoDetectorRepositoryContract(MongoBackendFixture f) : DetectorRepositoryContract(f), IClassFixture<MongoBackendFixture>;
