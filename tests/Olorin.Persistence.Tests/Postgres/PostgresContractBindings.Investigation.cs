using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresInvestigationRepositoryContract(PostgresBackendFixture f) : InvestigationRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
