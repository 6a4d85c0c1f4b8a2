namespace Olorin.Core.Validation;

/// <summary>
/// A similar-anomaly search names exactly one of a query vector or an anomaly ("more like this"), asks for 1–100
/// results and keeps those with cosine similarity ≥ <c>min_similarity</c> (0–1, default 0.7 as the reference).
/// </summary>
public static class SimilarityRules
{
    public const int DefaultK = 10;
    public const int MaxK = 100;
    public const double DefaultMinSimilarity = 0.7;

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
        FieldRules.Range(errors, "min_similarity", minSimilarity, 0, 1);
        FieldRules.Length(errors, "detector_id", detectorId, 1, FieldRules.MaxIdLength);
        return errors;
    }
}
