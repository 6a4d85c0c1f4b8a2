using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoTemplateRepositoryContract(MongoBackendFixture f) : TemplateRepositoryContract(f), IClassFixture<MongoBackendFixture>;
