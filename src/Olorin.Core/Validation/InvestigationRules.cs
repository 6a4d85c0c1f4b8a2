using Olorin.Core.Models;

namespace Olorin.Core.Validation;

/// <summary>
/// What a client may send for an investigation (DATA-MODEL.md: the stored model plus the API settings schema where
/// it applies). Values outside a range are rejected, never clamped (Decision 5).
/// </summary>
public static class InvestigationRules
{
    public const int MaxEntities = 10;
    public const int MaxTools = 20;
    public const int MaxToolNameLength = 100;
    public const int MinDurationHours = 1;
    public const int MaxDurationHours = 720;

    public static readonly IReadOnlyList<string> EntityTypes =
        ["user_id", "email", "ip", "device_id", "session_id", "merchant", "payment_method_token"];

    public static readonly IReadOnlyList<string> InvestigationTypes = ["structured", "hybrid"];
    public static readonly IReadOnlyList<string> InvestigationModes = ["risk", "entity"];
    public static readonly IReadOnlyList<string> CorrelationModes = ["OR", "AND"];

    /// <summary>Rules for the content of a create or an update (every argument optional).</summary>
    public static ValidationErrors Validate(
        string? investigationId = null,
        InvestigationSettings? settings = null,
        InvestigationProgress? progress = null,
        InvestigationResults? results = null,
        InvestigationMetadata? metadata = null)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "investigation_id", investigationId);
        if (settings is not null) ValidateSettings(errors, settings);
        if (progress is not null) ValidateProgress(errors, progress);
        if (results is not null) ValidateResults(errors, results);
        if (metadata is not null) ValidateMetadata(errors, metadata);
        return errors;
    }

    public static void ValidateSettings(ValidationErrors errors, InvestigationSettings settings)
    {
        FieldRules.Length(errors, "settings.name", settings.Name, 1, 255);
        FieldRules.OneOf(errors, "settings.entity_type", settings.EntityType, EntityTypes);
        FieldRules.OneOf(errors, "settings.investigation_type", settings.InvestigationType, InvestigationTypes);
        FieldRules.OneOf(errors, "settings.investigation_mode", settings.InvestigationMode, InvestigationModes);
        FieldRules.OneOf(errors, "settings.correlation_mode", settings.CorrelationMode, CorrelationModes);

        FieldRules.MaxCount(errors, "settings.entities", settings.Entities, MaxEntities);
        for (var i = 0; i < (settings.Entities?.Count ?? 0); i++)
        {
            var entity = settings.Entities![i];
            if (entity is null) { errors.Add($"settings.entities[{i}]", "An entity must be an object."); continue; }
            var field = $"settings.entities[{i}]";
            if (string.IsNullOrEmpty(entity.EntityType)) errors.Add($"{field}.entity_type", $"{field}.entity_type is required.");
            else FieldRules.OneOf(errors, $"{field}.entity_type", entity.EntityType, EntityTypes);
            if (string.IsNullOrEmpty(entity.EntityValue)) errors.Add($"{field}.entity_value", $"{field}.entity_value is required.");
        }

        FieldRules.MaxCount(errors, "settings.tools", settings.Tools, MaxTools);
        for (var i = 0; i < (settings.Tools?.Count ?? 0); i++)
        {
            var tool = settings.Tools![i];
            if (tool is null) { errors.Add($"settings.tools[{i}]", "A tool must be an object."); continue; }
            FieldRules.Length(errors, $"settings.tools[{i}].tool_name", tool.ToolName ?? "", 1, MaxToolNameLength);
        }

        if (settings.TimeRange is { } range)
        {
            if (range is { StartDate: { } start, EndDate: { } end } && end <= start)
                errors.Add("settings.time_range.end_date", "settings.time_range.end_date must be after start_date.");
            FieldRules.Range(errors, "settings.time_range.duration_hours", range.DurationHours, MinDurationHours, MaxDurationHours);
        }
    }

    public static void ValidateProgress(ValidationErrors errors, InvestigationProgress progress)
        => FieldRules.Range(errors, "progress.progress_percentage", progress.ProgressPercentage, 0, 100);

    public static void ValidateResults(ValidationErrors errors, InvestigationResults results)
        => FieldRules.Range(errors, "results.risk_score", results.RiskScore, 0, 1);

    public static void ValidateMetadata(ValidationErrors errors, InvestigationMetadata metadata)
    {
        if (string.IsNullOrEmpty(metadata.Source)) errors.Add("metadata.source", "metadata.source must not be empty.");
    }
}
