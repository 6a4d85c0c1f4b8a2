using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresEmbeddingRepositoryContract(PostgresBackendFixture f) : EmbeddingRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
