using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresComposioActionAuditRepositoryContract(PostgresBackendFixture f)
    : ComposioActionAuditRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
