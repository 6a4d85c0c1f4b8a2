namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// What the connected server can do, probed once at start-up (<see cref="MongoCapabilityProbe"/>). Repositories
/// choose <c>$vectorSearch</c> / <c>$search</c> or their fallbacks, and multi-document transactions or not, from it.
/// </summary>
/// <param name="ServerVersion">From <c>buildInfo</c>, e.g. <c>8.0.4</c>.</param>
/// <param name="TransactionsSupported">A replica set or a sharded cluster (a standalone server has no transactions,
/// https://www.mongodb.com/docs/manual/core/transactions/: replica sets and sharded clusters only).</param>
/// <param name="SearchIndexesSupported">The server manages search indexes (Atlas, or the Atlas local image).</param>
/// <param name="VectorSearchAvailable">Search indexes supported, MONGODB_ENABLE_VECTOR_SEARCH on, and the vector index present.</param>
/// <param name="AtlasSearchAvailable">Search indexes supported, MONGODB_ENABLE_ATLAS_SEARCH on, and investigations_search present.</param>
public sealed record MongoCapabilities(
    string ServerVersion,
    bool TransactionsSupported,
    bool SearchIndexesSupported,
    bool VectorSearchAvailable,
    bool AtlasSearchAvailable)
{
    /// <summary>
    /// The collections that are time series on the server, as bootstrap found or made them; null when not observed
    /// (then MONGODB_ENABLE_TIME_SERIES is taken at its word). What the server holds decides, not the setting: a
    /// collection created as a time series stays one after the setting is turned off.
    /// </summary>
    public IReadOnlySet<string>? TimeSeriesCollections { get; init; }

    /// <summary>Search indexes supported, MONGODB_ENABLE_VECTOR_SEARCH on, and investigations_vector present.</summary>
    public bool InvestigationVectorSearchAvailable { get; init; }

    /// <summary>Whether <paramref name="collection"/> is a time series (observed, else as the settings create it).</summary>
    public bool IsTimeSeries(string collection, Settings.MongoSettings settings)
        => TimeSeriesCollections?.Contains(collection)
           ?? (settings.EnableTimeSeries && MongoCollectionNames.TimeSeries.Contains(collection));
}
