using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoTransactionScoreRepositoryContract(MongoBackendFixture f) : TransactionScoreRepositoryContract(f), IClassFixture<MongoBackendFixture>;
