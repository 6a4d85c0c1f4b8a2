namespace Olorin.Core.Validation;

/// <summary>What a client may send for a detector (DATA-MODEL.md §2). Out-of-range values are rejected, never clamped.</summary>
public static class DetectorRules
{
    public const int MaxNameLength = 500;

    /// <summary>Rules for a new detector: name, type and metrics.primary are required.</summary>
    public static ValidationErrors ValidateCreate(
        string? detectorId, string? name, DetectorType? type, JsonObject? cohortBy, JsonObject? metrics, JsonObject? parameters)
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
    public static ValidationErrors ValidatePatch(string? name, JsonObject? cohortBy, JsonObject? metrics, JsonObject? parameters)
    {
        var errors = new ValidationErrors();
        ValidateContent(errors, name, cohortBy, metrics, parameters);
        return errors;
    }

    private static void ValidateContent(ValidationErrors errors, string? name, JsonObject? cohortBy, JsonObject? metrics, JsonObject? parameters)
    {
        FieldRules.Length(errors, "name", name, 1, MaxNameLength);
        if (cohortBy is not null)
        {
            Strings(errors, "cohort_by.dimensions", cohortBy["dimensions"]);
            JsonMemberRules.Object(errors, "cohort_by.filters", cohortBy["filters"]);
        }
        if (metrics is not null)
        {
            if (string.IsNullOrWhiteSpace(JsonMemberRules.String(errors, "metrics.primary", metrics["primary"])) && !errors["metrics.primary"].Any())
                errors.Add("metrics.primary", "metrics.primary is required.");
            Strings(errors, "metrics.secondary", metrics["secondary"]);
            Strings(errors, "metrics.aggregations", metrics["aggregations"]);
        }
        if (parameters is not null)
        {
            FieldRules.Range(errors, "params.sensitivity", JsonMemberRules.Number(errors, "params.sensitivity", parameters["sensitivity"]), 0, 1);
            JsonMemberRules.Number(errors, "params.threshold", parameters["threshold"]);
            if (JsonMemberRules.Number(errors, "params.window_size", parameters["window_size"]) is { } window && (window <= 0 || window != Math.Floor(window)))
                errors.Add("params.window_size", $"params.window_size must be a whole number greater than 0 (was {window}).");
            JsonMemberRules.Object(errors, "params.algorithm_specific", parameters["algorithm_specific"]);
        }
    }

    /// <summary>When present, an array of strings.</summary>
    private static void Strings(ValidationErrors errors, string field, JsonNode? node)
    {
        if (node is null) return;
        if (node is not JsonArray items || items.Any(item => InvestigationReadings.StringOf(item) is null))
            errors.Add(field, $"{field} must be an array of strings.");
    }
}
