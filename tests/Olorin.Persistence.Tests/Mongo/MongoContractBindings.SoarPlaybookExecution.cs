using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoSoarPlaybookExecutionRepositoryContract(MongoBackendFixture f) : SoarPlaybookExecutionRepositoryContract(f), IClassFixture<MongoBackendFixture>;
