namespace Olorin.Core.Validation;

/// <summary>What a client may send for an anomaly event (DATA-MODEL.md §4, Decisions 1 and 5).</summary>
public static class AnomalyRules
{
    /// <summary>Anomalies in one <c>POST /anomalies/bulk</c>.</summary>
    public const int MaxPerBulkRequest = 1_000;

    public static void BulkSize(ValidationErrors errors, string field, int count)
    {
        if (count == 0) errors.Add(field, $"{field} must contain at least one anomaly.");
        else if (count > MaxPerBulkRequest) errors.Add(field, $"{field} may contain at most {MaxPerBulkRequest} anomalies (had {count}).");
    }

    /// <summary>The content of a new anomaly; <paramref name="embeddingDimension"/> is <c>EMBEDDING_DIMENSION</c>.</summary>
    public static ValidationErrors ValidateCreate(
        string? anomalyId,
        string? runId,
        string? detectorId,
        string? investigationId,
        AnomalyWindow? window,
        string? metric,
        double? observed,
        double? expected,
        double? score,
        AnomalySeverity? severity,
        int? persistedN,
        float[]? embedding,
        int embeddingDimension)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "anomaly_id", anomalyId);
        FieldRules.RequiredId(errors, "run_id", runId);
        FieldRules.RequiredId(errors, "detector_id", detectorId);
        FieldRules.Length(errors, "investigation_id", investigationId, 1, FieldRules.MaxIdLength);

        if (window is null) errors.Add("window", "window is required (with start and end).");
        else
        {
            if (window.Start == default) errors.Add("window.start", "window.start is required.");
            if (window.End == default) errors.Add("window.end", "window.end is required.");
            if (window.Start != default && window.End != default && window.Start > window.End)
                errors.Add("window.end", "window.end must not be before window.start.");
            if (window.DurationMinutes is { } minutes && (!double.IsFinite(minutes) || minutes < 0))
                errors.Add("window.duration_minutes", $"window.duration_minutes must be a finite number ≥ 0 (was {minutes}).");
        }

        if (string.IsNullOrEmpty(metric)) errors.Add("metric", "metric is required.");
        RequiredFinite(errors, "observed", observed);
        RequiredFinite(errors, "expected", expected);
        if (score is null) errors.Add("score", "score is required.");
        else ValidateScore(errors, "score", score.Value);
        if (severity is null) errors.Add("severity", "severity is required; one of: info, warn, critical.");
        if (persistedN is < 1) errors.Add("persisted_n", $"persisted_n must be ≥ 1 (was {persistedN}).");
        if (embedding is not null) ValidateEmbedding(errors, "embedding", embedding, embeddingDimension, allowEmpty: true);
        return errors;
    }

    /// <summary>A score is ≥ 0 and finite.</summary>
    public static void ValidateScore(ValidationErrors errors, string field, double score)
    {
        if (!double.IsFinite(score) || score < 0) errors.Add(field, $"{field} must be a finite number ≥ 0 (was {score}).");
    }

    /// <summary>An embedding is exactly <paramref name="dimension"/> finite floats (or, where allowed, empty).</summary>
    public static void ValidateEmbedding(ValidationErrors errors, string field, float[] embedding, int dimension, bool allowEmpty)
    {
        if (embedding.Length == 0 && allowEmpty) return;
        if (embedding.Length != dimension)
        {
            errors.Add(field, allowEmpty
                ? $"{field} must be empty or have exactly {dimension} values (had {embedding.Length})."
                : $"{field} must have exactly {dimension} values (had {embedding.Length}).");
            return;
        }
        var bad = Array.FindIndex(embedding, v => !float.IsFinite(v));
        if (bad >= 0) errors.Add(field, $"{field} must contain only finite numbers ({field}[{bad}] is {embedding[bad]}).");
        else if (embedding.All(v => v == 0)) errors.Add(field, $"{field} must not be the zero vector (cosine similarity is undefined for it).");
    }

    private static void RequiredFinite(ValidationErrors errors, string field, double? value)
    {
        if (value is null) errors.Add(field, $"{field} is required.");
        else if (!double.IsFinite(value.Value)) errors.Add(field, $"{field} must be a finite number.");
    }
}
