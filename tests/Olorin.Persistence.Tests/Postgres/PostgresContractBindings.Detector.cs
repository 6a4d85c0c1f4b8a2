using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresDetectorRepositoryContract(PostgresBackendFixture f) : DetectorRepositoryContract(f), IClassFixture<PostgresBackendFixture>;
