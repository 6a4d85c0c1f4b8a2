using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoAuditLogRepositoryContract(MongoBackendFixture f) : AuditLogRepositoryContract(f), IClassFixture<MongoBackendFixture>;
