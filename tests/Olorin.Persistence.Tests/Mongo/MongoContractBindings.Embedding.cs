using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

public sealed class MongoEmbeddingRepositoryContract(MongoBackendFixture f) : EmbeddingRepositoryContract(f), IClassFixture<MongoBackendFixture>;

/// <summary>Semantic search through the exact-cosine fallback (no investigations_vector index) on the same server.</summary>
public sealed class MongoEmbeddingRepositoryContractWithoutSearchIndexes(MongoWithoutSearchIndexesBackendFixture f)
    : EmbeddingRepositoryContract(f), IClassFixture<MongoWithoutSearchIndexesBackendFixture>;
