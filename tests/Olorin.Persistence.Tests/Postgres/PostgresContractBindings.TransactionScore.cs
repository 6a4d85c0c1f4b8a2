using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresTransactionScoreRepositoryContract(PostgresBackendFixture f)
    : TransactionScoreRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
