using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresDetectionRunRepositoryContract(PostgresBackendFixture f) : DetectionRunRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
