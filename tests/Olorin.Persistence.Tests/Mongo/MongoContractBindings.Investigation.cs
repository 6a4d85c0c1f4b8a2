using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoInvestigationRepositoryContract(MongoBackendFixture f) : InvestigationRepositoryContract(f), IClassFixture<MongoBackendFixture>;
