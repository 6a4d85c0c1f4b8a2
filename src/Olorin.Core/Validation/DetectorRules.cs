using Olorin.Core.Models;
using Olorin.Core.Serialization;

namespace Olorin.Core.Validation;

/// <summary>What a client may send for a detector (DATA-MODEL.md §2). Out-of-range values are rejected, never clamped.</summary>
public static class DetectorRules
{
    public const int MaxNameLength = 500;

    /// <summary>Rules for a new detector: name, type and metrics.primary are required.</summary>
    public static ValidationErrors ValidateCreate(
        string? detectorId, string? name, DetectorType? type, DetectorCohort? cohortBy, DetectorMetrics? metrics, DetectorParams? parameters)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "detector_id", detectorId);
        if (name is null) errors.Add("name", "name is required.");
        if (type is null) errors.Add("type", $"type is required; one of: {string.Join(", ", WireEnum.WireValues<DetectorType>())}.");
        if (metrics is null) errors.Add("metrics", "metrics is required (with metrics.primary).");
        ValidateContent(errors, name, cohortBy, metrics, parameters);
        return errors;
    }

    /// <summary>Rules for a partial update: every member optional, but what is sent must be valid.</summary>
    public static ValidationErrors ValidatePatch(string? name, DetectorCohort? cohortBy, DetectorMetrics? metrics, DetectorParams? parameters)
    {
        var errors = new ValidationErrors();
        ValidateContent(errors, name, cohortBy, metrics, parameters);
        return errors;
    }

    private static void ValidateContent(ValidationErrors errors, string? name, DetectorCohort? cohortBy, DetectorMetrics? metrics, DetectorParams? parameters)
    {
        FieldRules.Length(errors, "name", name, 1, MaxNameLength);
        if (cohortBy is not null) NoNullItems(errors, "cohort_by.dimensions", cohortBy.Dimensions);
        if (metrics is not null)
        {
            if (string.IsNullOrWhiteSpace(metrics.Primary)) errors.Add("metrics.primary", "metrics.primary is required.");
            NoNullItems(errors, "metrics.secondary", metrics.Secondary);
            NoNullItems(errors, "metrics.aggregations", metrics.Aggregations);
        }
        if (parameters is not null)
        {
            FieldRules.Range(errors, "params.sensitivity", parameters.Sensitivity, 0, 1);
            if (parameters.Threshold is { } threshold && !double.IsFinite(threshold))
                errors.Add("params.threshold", "params.threshold must be a finite number.");
            if (parameters.WindowSize is <= 0)
                errors.Add("params.window_size", $"params.window_size must be greater than 0 (was {parameters.WindowSize}).");
        }
    }

    private static void NoNullItems(ValidationErrors errors, string field, List<string>? items)
    {
        if (items is null) errors.Add(field, $"{field} must be an array of strings, not null.");
        else if (items.Any(item => item is null)) errors.Add(field, $"{field} must not contain null.");
    }
}
