using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoAnomalyEventRepositoryContract(MongoBackendFixture f) : AnomalyEventRepositoryContract(f), IClassFixture<MongoBackendFixture>;
