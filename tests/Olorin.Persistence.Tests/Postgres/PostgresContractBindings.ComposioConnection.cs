using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresComposioConnectionRepositoryContract(PostgresBackendFixture f)
    : ComposioConnectionRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
