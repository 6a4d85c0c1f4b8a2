namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// What the connected server can do, probed once at start-up (<see cref="MongoCapabilityProbe"/>). Repositories
/// choose <c>$vectorSearch</c> / <c>$search</c> or their fallbacks, and multi-document transactions or not, from it.
/// </summary>
/// <param name="ServerVersion">From <c>buildInfo</c>, e.g. <c>8.0.4</c>.</param>
/// <param name="TransactionsSupported">A replica set or a sharded cluster (a standalone server has no transactions).</param>
/// <param name="SearchIndexesSupported">The server manages search indexes (Atlas, or the Atlas local image).</param>
/// <param name="VectorSearchAvailable">Search indexes supported, MONGODB_ENABLE_VECTOR_SEARCH on, and the vector index present.</param>
/// <param name="AtlasSearchAvailable">Search indexes supported, MONGODB_ENABLE_ATLAS_SEARCH on, and investigations_search present.</param>
public sealed record MongoCapabilities(
    string ServerVersion,
    bool TransactionsSupported,
    bool SearchIndexesSupported,
    bool VectorSearchAvailable,
    bool AtlasSearchAvailable);
