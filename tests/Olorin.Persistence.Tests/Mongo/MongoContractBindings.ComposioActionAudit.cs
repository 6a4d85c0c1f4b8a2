using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoComposioActionAuditRepositoryContract(MongoBackendFixture f) : ComposioActionAuditRepositoryContract(f), IClassFixture<MongoBackendFixture>;
