namespace Olorin.Migration.Preflight;

/// <summary>What a backend can store as is; the preflight flags every source document that exceeds it.</summary>
public sealed record TargetLimits(
    string Backend,
    long MaxDocumentBytes,
    long MaxTimeSeriesDocumentBytes,
    bool ForbidsDollarAndDotKeys,
    long TimestampResolutionTicks,
    bool ForbidsNulCharacters,
    int EmbeddingDimensions)
{
    public const int EmbeddingDimension = 384;

    /// <summary>
    /// MongoDB: a BSON document is at most 16 MiB (https://www.mongodb.com/docs/manual/reference/limits/#mongodb-limit-BSON-Document-Size);
    /// a time-series measurement at most 4 MB (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/);
    /// field names starting with <c>$</c> or containing <c>.</c> are not supported by every operator and driver path
    /// (https://www.mongodb.com/docs/manual/core/dot-dollar-considerations/); a BSON date has millisecond
    /// resolution (https://www.mongodb.com/docs/manual/reference/bson-types/#date); the vector index has 384 dimensions.
    /// </summary>
    public static TargetLimits MongoDb { get; } = new("mongodb", 16L * 1024 * 1024, 4L * 1024 * 1024, true, TimeSpan.TicksPerMillisecond, false, EmbeddingDimension);

    /// <summary>
    /// PostgreSQL: text and jsonb cannot hold U+0000 (https://www.postgresql.org/docs/15/datatype-json.html);
    /// timestamptz has microsecond resolution (https://www.postgresql.org/docs/15/datatype-datetime.html);
    /// a field value is at most 1 GB (https://www.postgresql.org/docs/15/limits.html); the column is vector(384).
    /// </summary>
    public static TargetLimits PostgreSql { get; } = new("postgres", 1024L * 1024 * 1024, 1024L * 1024 * 1024, false, TimeSpan.TicksPerMicrosecond, true, EmbeddingDimension);
}
