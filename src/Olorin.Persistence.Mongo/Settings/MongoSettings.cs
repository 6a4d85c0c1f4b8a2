namespace Olorin.Persistence.Mongo.Settings;

/// <summary>
/// MongoDB connection and feature settings (<see cref="MongoSettingsKeys"/>), with the deployment guide's
/// production defaults. Bound by <see cref="MongoSettingsBinder"/>, checked by <see cref="MongoSettingsValidator"/>.
/// </summary>
public sealed record MongoSettings
{
    /// <summary>The embedding dimension of Decision 1 (all-MiniLM-L6-v2).</summary>
    public const int RequiredEmbeddingDimension = 384;

    public const string DefaultVectorSearchIndex = "anomaly_vector_index";

    /// <summary>Contains the password; never log or return it, use <see cref="RedactedUri"/>.</summary>
    public string Uri { get; init; } = "";
    public string Database { get; init; } = "olorin";
    public int MaxPoolSize { get; init; } = 100;
    public int MinPoolSize { get; init; } = 20;
    public int MaxIdleTimeMs { get; init; } = 45_000;
    public int ConnectTimeoutMs { get; init; } = 30_000;
    public int SocketTimeoutMs { get; init; } = 60_000;
    public int ServerSelectionTimeoutMs { get; init; } = 30_000;
    public int BootstrapTimeoutMs { get; init; } = 120_000;
    public bool EnableVectorSearch { get; init; } = true;
    public string VectorSearchIndex { get; init; } = DefaultVectorSearchIndex;
    public bool EnableAtlasSearch { get; init; } = true;
    public bool EnableTimeSeries { get; init; } = true;
    public int EmbeddingDimension { get; init; } = RequiredEmbeddingDimension;

    public string RedactedUri => MongoUriRedactor.Redact(Uri);

    public TimeSpan ServerSelectionTimeout => TimeSpan.FromMilliseconds(ServerSelectionTimeoutMs);

    public TimeSpan BootstrapTimeout => TimeSpan.FromMilliseconds(BootstrapTimeoutMs);

    /// <summary>The record's printed form, safe for logs.</summary>
    public override string ToString()
        => $"MongoSettings {{ Uri = {RedactedUri}, Database = {Database}, MaxPoolSize = {MaxPoolSize}, MinPoolSize = {MinPoolSize}, " +
           $"ServerSelectionTimeoutMs = {ServerSelectionTimeoutMs}, EnableVectorSearch = {EnableVectorSearch}, " +
           $"EnableAtlasSearch = {EnableAtlasSearch}, EnableTimeSeries = {EnableTimeSeries} }}";
}
