using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoComposioConnectionRepositoryContract(MongoBackendFixture f) : ComposioConnectionRepositoryContract(f), IClassFixture<MongoBackendFixture>;
