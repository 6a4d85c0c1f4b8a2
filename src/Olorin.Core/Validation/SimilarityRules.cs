namespace Olorin.Core.Validation;

/// <summary>
/// A similar-anomaly search names exactly one of a query vector, an anomaly ("more like this") or a text (embedded
/// by the server), asks for 1–100 results and keeps those with cosine similarity ≥ <c>min_similarity</c> (−1 to 1,
/// default 0.4). DATA-MODEL Decision 11: <c>similarity</c> is cosine on both backends; the reference's default kept
/// Atlas <c>vectorSearchScore</c> ≥ 0.7, and for cosine that score is (1 + cosine) / 2
/// (https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-stage/#atlas-vector-search-score), so 0.7 is
/// cosine 0.4: clients keep the neighbours they got before.
/// </summary>
public static class SimilarityRules
{
    public const int DefaultK = 10;
    public const int MaxK = 100;
    public const double DefaultMinSimilarity = 0.4;

    /// <summary>The reference's default threshold, on Atlas' score scale.</summary>
    public const double ReferenceAtlasScoreThreshold = 0.7;

    /// <summary>Cosine similarity from an Atlas cosine <c>vectorSearchScore</c>: score = (1 + cosine) / 2.</summary>
    public static double CosineFromAtlasScore(double score) => 2 * score - 1;

    /// <summary>The longest query text; the model reads only its first 256 word pieces anyway.</summary>
    public const int MaxTextLength = 2_000;

    public static ValidationErrors Validate(float[]? vector, string? anomalyId, int? k, double? minSimilarity, string? detectorId, int embeddingDimension)
        => Validate(vector, anomalyId, text: null, k, minSimilarity, detectorId, embeddingDimension);

    public static ValidationErrors Validate(
        float[]? vector, string? anomalyId, string? text, int? k, double? minSimilarity, string? detectorId, int embeddingDimension)
    {
        var errors = new ValidationErrors();
        var given = (vector is null ? 0 : 1) + (anomalyId is null ? 0 : 1) + (text is null ? 0 : 1);
        if (given == 0)
            errors.Add("vector", "Send one of vector, anomaly_id or text.");
        else if (given > 1)
            errors.Add("vector", "Send only one of vector, anomaly_id or text.");
        else if (vector is not null)
            AnomalyRules.ValidateEmbedding(errors, "vector", vector, embeddingDimension, allowEmpty: false);
        else if (anomalyId is not null)
            FieldRules.Id(errors, "anomaly_id", anomalyId);
        else
            ValidateText(errors, "text", text);
        FieldRules.Range(errors, "k", k, 1, MaxK);
        FieldRules.Range(errors, "min_similarity", minSimilarity, -1, 1);
        FieldRules.Length(errors, "detector_id", detectorId, 1, FieldRules.MaxIdLength);
        return errors;
    }

    /// <summary>A query text: not blank, at most <see cref="MaxTextLength"/> characters.</summary>
    public static void ValidateText(ValidationErrors errors, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) errors.Add(field, $"{field} must not be empty.");
        else FieldRules.Length(errors, field, text, 1, MaxTextLength);
    }
}
