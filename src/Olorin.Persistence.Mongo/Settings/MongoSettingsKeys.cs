namespace Olorin.Persistence.Mongo.Settings;

/// <summary>
/// The configuration keys, spelled exactly as the environment variables of the deployment guide (Step 2.2), so an
/// environment variable and a top-level key of <c>appsettings.Mongo.json</c> are the same setting.
/// </summary>
public static class MongoSettingsKeys
{
    public const string Uri = "MONGODB_URI";
    public const string Database = "MONGODB_DATABASE";
    public const string MaxPoolSize = "MONGODB_MAX_POOL_SIZE";
    public const string MinPoolSize = "MONGODB_MIN_POOL_SIZE";
    public const string MaxIdleTimeMs = "MONGODB_MAX_IDLE_TIME_MS";
    public const string ConnectTimeoutMs = "MONGODB_CONNECT_TIMEOUT_MS";
    public const string SocketTimeoutMs = "MONGODB_SOCKET_TIMEOUT_MS";
    public const string ServerSelectionTimeoutMs = "MONGODB_SERVER_SELECTION_TIMEOUT_MS";

    /// <summary>Olorin's own: how long start-up bootstrap work (collections, indexes of empty collections, search index checks) may take.</summary>
    public const string BootstrapTimeoutMs = "MONGODB_BOOTSTRAP_TIMEOUT_MS";
    public const string EnableVectorSearch = "MONGODB_ENABLE_VECTOR_SEARCH";
    public const string VectorSearchIndex = "MONGODB_VECTOR_SEARCH_INDEX";
    public const string EnableAtlasSearch = "MONGODB_ENABLE_ATLAS_SEARCH";
    public const string EnableTimeSeries = "MONGODB_ENABLE_TIME_SERIES";
    public const string EmbeddingDimension = "EMBEDDING_DIMENSION";
}
