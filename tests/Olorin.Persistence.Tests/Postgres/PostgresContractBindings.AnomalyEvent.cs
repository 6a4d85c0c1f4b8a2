using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresAnomalyEventRepositoryContract(PostgresBackendFixture f) : AnomalyEventRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
