using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresTemplateRepositoryContract(PostgresBackendFixture f)
    : TemplateRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
