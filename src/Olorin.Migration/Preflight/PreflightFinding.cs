namespace Olorin.Migration.Preflight;

/// <summary>One source document the target cannot hold as is, and why.</summary>
public sealed record PreflightFinding(string Collection, DocumentKey Key, string Rule, string Detail);

public static class PreflightRules
{
    public const string TooLarge = "too_large";
    public const string FreeFormKey = "dollar_or_dot_key";
    public const string NonFinite = "non_finite_number";
    public const string EmbeddingDimension = "embedding_dimension";
    public const string TimestampPrecision = "timestamp_precision";
    public const string NulCharacter = "nul_character";

    /// <summary>
    /// The rules for one document, given its canonical bytes and what writing them recorded. Pure: the same
    /// function serves the scanner and the tests.
    /// </summary>
    public static IEnumerable<PreflightFinding> Check(
        string collection, bool timeSeries, DocumentKey key, int canonicalBytes, CanonicalInspectionView inspection,
        float[]? embedding, TargetLimits limits)
    {
        var maxBytes = timeSeries ? limits.MaxTimeSeriesDocumentBytes : limits.MaxDocumentBytes;
        if (canonicalBytes > maxBytes)
            yield return new(collection, key, TooLarge, $"about {canonicalBytes:N0} bytes; {limits.Backend} holds at most {maxBytes:N0}{(timeSeries ? " in a time series" : "")}");
        if (limits.ForbidsDollarAndDotKeys && inspection.FreeFormKeyPaths.Count > 0)
            yield return new(collection, key, FreeFormKey, $"free-form key(s) starting with '$' or containing '.': {string.Join(", ", inspection.FreeFormKeyPaths.Take(5))}");
        if (inspection.NonFiniteNumbers.Count > 0)
            yield return new(collection, key, NonFinite, $"non-finite number(s): {string.Join(", ", inspection.NonFiniteNumbers.Take(5))}");
        if (embedding is { Length: > 0 } && embedding.Length != limits.EmbeddingDimensions)
            yield return new(collection, key, EmbeddingDimension, $"embedding has {embedding.Length} dimensions; the target expects {limits.EmbeddingDimensions}");
        var fine = inspection.Timestamps.FirstOrDefault(t => t.Ticks % limits.TimestampResolutionTicks != 0);
        if (fine != default)
            yield return new(collection, key, TimestampPrecision,
                $"timestamp {Canonical.CanonicalNumbers.Timestamp(fine)} is finer than {limits.Backend} stores ({(limits.TimestampResolutionTicks == TimeSpan.TicksPerMillisecond ? "milliseconds" : "microseconds")}); it would be truncated");
        if (limits.ForbidsNulCharacters && inspection.HasNulCharacter)
            yield return new(collection, key, NulCharacter, $"text contains U+0000, which {limits.Backend} text and jsonb cannot hold");
    }
}

/// <summary>What <see cref="PreflightRules.Check"/> reads of a canonical inspection.</summary>
public sealed record CanonicalInspectionView(IReadOnlyList<string> FreeFormKeyPaths, IReadOnlyList<string> NonFiniteNumbers, IReadOnlyList<DateTime> Timestamps, bool HasNulCharacter)
{
    public static CanonicalInspectionView Of(Canonical.CanonicalInspection inspection)
        => new(inspection.FreeFormKeyPaths, inspection.NonFiniteNumbers, inspection.Timestamps, inspection.HasNulCharacter);
}
