using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Status;

/// <summary>
/// The body of <c>/status/mongodb</c>. Property names serialize to snake_case with <c>OlorinJson.Options</c>
/// (<c>server_version</c>, <c>vector_search_available</c>, …). The URI and the error never carry the password.
/// </summary>
public sealed record MongoStatusReport
{
    public bool Enabled { get; init; }
    public bool Connected { get; init; }
    public string? ServerVersion { get; init; }
    public string? Database { get; init; }
    public IReadOnlyList<MongoCollectionStatus> Collections { get; init; } = [];
    public IReadOnlyList<string> MissingCollections { get; init; } = [];
    public MongoIndexStatus Indexes { get; init; } = new([], []);
    public bool TimeSeriesEnabled { get; init; }
    public bool VectorSearchEnabled { get; init; }
    public bool VectorSearchAvailable { get; init; }
    public bool AtlasSearchEnabled { get; init; }
    public bool AtlasSearchAvailable { get; init; }
    public bool SearchIndexesSupported { get; init; }
    public bool TransactionsSupported { get; init; }

    /// <summary>
    /// Whether an investigation write and its audit entry are atomic: true on every deployment shape once connected
    /// (the entry rides in the investigation's own single-document write, see <see cref="AuditWritesNote"/>).
    /// </summary>
    public bool AuditWritesAtomic { get; init; }

    /// <summary>How <see cref="AuditWritesAtomic"/> is achieved; null when not connected.</summary>
    public string? AuditWritesNote { get; init; }
    /// <summary>
    /// The kind of <c>detection_runs</c> on the server: <c>collection</c> (as bootstrap creates it), <c>timeseries</c>
    /// (left by the earlier system: served, migration recommended in <see cref="Problems"/>) or <c>missing</c>.
    /// </summary>
    public string? DetectionRunsKind { get; init; }

    /// <summary>What an operator should look at: collections of the wrong kind, search indexes that cannot be trusted, …</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
    public double? PingMs { get; init; }
    public MongoPoolStatus? Pool { get; init; }
    public string? Uri { get; init; }
    public string? Error { get; init; }

    /// <summary>The report when MongoDB is not the selected backend (or not configured at all).</summary>
    public static MongoStatusReport Disabled(MongoSettings? settings) => new()
    {
        Enabled = false,
        Database = settings?.Database,
        Uri = settings is null || settings.Uri.Length == 0 ? null : settings.RedactedUri,
    };
}

/// <param name="DocumentCount">Estimated (collection metadata), null when the server would not say.</param>
public sealed record MongoCollectionStatus(string Name, long? DocumentCount, bool TimeSeries);

/// <summary>Required indexes by <c>collection.index</c> name; search indexes are listed as <c>collection.name</c> too.</summary>
public sealed record MongoIndexStatus(IReadOnlyList<string> Present, IReadOnlyList<string> Missing);

/// <summary>The effective pool and timeouts (MONGODB_* settings, overridden by options in the URI).</summary>
public sealed record MongoPoolStatus(
    int MinPoolSize,
    int MaxPoolSize,
    long MaxIdleTimeMs,
    long ConnectTimeoutMs,
    long SocketTimeoutMs,
    long ServerSelectionTimeoutMs,
    string ApplicationName);
