namespace Olorin.Core.Validation;

/// <summary>
/// A similar-anomaly search names exactly one of a query vector or an anomaly ("more like this"), asks for 1–100
/// results and keeps those with cosine similarity ≥ <c>min_similarity</c> (−1 to 1, default 0.4). DATA-MODEL Decision
/// 11: <c>similarity</c> is cosine on both backends; the reference's default kept Atlas <c>vectorSearchScore</c> ≥ 0.7,
/// and for cosine that score is (1 + cosine) / 2
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

    public static ValidationErrors Validate(float[]? vector, string? anomalyId, int? k, double? minSimilarity, string? detectorId, int embeddingDimension)
    {
        var errors = new ValidationErrors();
        switch (vector, anomalyId)
        {
            case (null, null):
                errors.Add("vector", "Send either vector or anomaly_id.");
                break;
            case (not null, not null):
                errors.Add("vector", "Send either vector or anomaly_id, not both.");
                break;
            case (not null, null):
                AnomalyRules.ValidateEmbedding(errors, "vector", vector, embeddingDimension, allowEmpty: false);
                break;
            default:
                FieldRules.Id(errors, "anomaly_id", anomalyId);
                break;
        }
        FieldRules.Range(errors, "k", k, 1, MaxK);
        FieldRules.Range(errors, "min_similarity", minSimilarity, -1, 1);
        FieldRules.Length(errors, "detector_id", detectorId, 1, FieldRules.MaxIdLength);
        return errors;
    }
}
