using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresSoarPlaybookExecutionRepositoryContract(PostgresBackendFixture f)
    : SoarPlaybookExecutionRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
