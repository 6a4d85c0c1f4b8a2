using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresAuditLogRepositoryContract(PostgresBackendFixture f) : AuditLogRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
