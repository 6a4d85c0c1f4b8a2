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
        JsonObject? settings = null,
        JsonObject? progress = null,
        JsonObject? results = null,
        JsonObject? metadata = null)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "investigation_id", investigationId);
        if (settings is not null) ValidateSettings(errors, settings);
        if (progress is not null) ValidateProgress(errors, progress);
        if (results is not null) ValidateResults(errors, results);
        if (metadata is not null) ValidateMetadata(errors, metadata);
        return errors;
    }

    /// <summary>The members the server interprets; every other member is kept as sent, unchecked (Decision 12).</summary>
    public static void ValidateSettings(ValidationErrors errors, JsonObject settings)
    {
        FieldRules.Length(errors, "settings.name", JsonMemberRules.String(errors, "settings.name", settings["name"]), 1, 255);
        FieldRules.OneOf(errors, "settings.entity_type", JsonMemberRules.String(errors, "settings.entity_type", settings["entity_type"]), EntityTypes);
        JsonMemberRules.String(errors, "settings.entity_value", settings["entity_value"]);
        FieldRules.OneOf(errors, "settings.investigation_type", JsonMemberRules.String(errors, "settings.investigation_type", settings["investigation_type"]), InvestigationTypes);
        FieldRules.OneOf(errors, "settings.investigation_mode", JsonMemberRules.String(errors, "settings.investigation_mode", settings["investigation_mode"]), InvestigationModes);
        FieldRules.OneOf(errors, "settings.correlation_mode", JsonMemberRules.String(errors, "settings.correlation_mode", settings["correlation_mode"]), CorrelationModes);
        JsonMemberRules.Boolean(errors, "settings.auto_select_entities", settings["auto_select_entities"]);

        var entities = JsonMemberRules.Array(errors, "settings.entities", settings["entities"], MaxEntities) ?? [];
        for (var i = 0; i < entities.Count; i++)
        {
            var field = $"settings.entities[{i}]";
            if (entities[i] is not JsonObject entity) { errors.Add(field, $"{field} must be an object."); continue; }
            Required(errors, $"{field}.entity_type", entity["entity_type"], type => FieldRules.OneOf(errors, $"{field}.entity_type", type, EntityTypes));
            Required(errors, $"{field}.entity_value", entity["entity_value"], _ => { });
        }

        var tools = JsonMemberRules.Array(errors, "settings.tools", settings["tools"], MaxTools) ?? [];
        for (var i = 0; i < tools.Count; i++) ValidateTool(errors, $"settings.tools[{i}]", tools[i]);

        if (JsonMemberRules.Object(errors, "settings.time_range", settings["time_range"]) is { } range)
            ValidateTimeRange(errors, "settings.time_range", range);
    }

    private static void Required(ValidationErrors errors, string field, JsonNode? node, Action<string> check)
    {
        var value = JsonMemberRules.String(errors, field, node);
        if (node is null || value is "") errors.Add(field, $"{field} is required.");
        else if (value is not null) check(value);
    }

    /// <summary>A tool is named by <c>tool_id</c> or <c>tool_name</c> (1–100 characters); <c>enabled</c> and <c>config</c> are typed when sent.</summary>
    private static void ValidateTool(ValidationErrors errors, string field, JsonNode? node)
    {
        if (node is not JsonObject tool) { errors.Add(field, $"{field} must be an object."); return; }
        foreach (var spelling in InvestigationReadings.ToolIdFields)
            FieldRules.Length(errors, $"{field}.{spelling}", JsonMemberRules.String(errors, $"{field}.{spelling}", tool[spelling]), 1, MaxToolNameLength);
        if (InvestigationReadings.ToolIdFields.All(f => tool[f] is null))
            errors.Add($"{field}.tool_id", $"{field} needs tool_id or tool_name.");
        JsonMemberRules.Boolean(errors, $"{field}.enabled", tool["enabled"]);
        JsonMemberRules.Object(errors, $"{field}.config", tool["config"]);
    }

    /// <summary>
    /// <c>{start, end}</c>, <c>{start_time, end_time}</c> or <c>{start_date, end_date}</c> (naive = UTC): the end must be
    /// after the start, whichever spelling each uses; <c>duration_hours</c> 1–720; <c>type</c> a string.
    /// </summary>
    private static void ValidateTimeRange(ValidationErrors errors, string field, JsonObject range)
    {
        DateTime? Bound(IReadOnlyList<string> spellings, out string? name)
        {
            DateTime? first = null;
            name = null;
            foreach (var spelling in spellings.Where(range.ContainsKey))
            {
                var value = JsonMemberRules.Instant(errors, $"{field}.{spelling}", range[spelling]);
                if (name is null) { name = spelling; first = value; }
            }
            return first;
        }

        var start = Bound(InvestigationReadings.TimeRangeStartFields, out var startName);
        var end = Bound(InvestigationReadings.TimeRangeEndFields, out var endName);
        if (start is { } s && end is { } e && e <= s)
            errors.Add($"{field}.{endName}", $"{field}.{endName} must be after {field}.{startName}.");

        var hours = JsonMemberRules.Number(errors, $"{field}.duration_hours", range["duration_hours"]);
        FieldRules.Range(errors, $"{field}.duration_hours", hours, MinDurationHours, MaxDurationHours);
        JsonMemberRules.String(errors, $"{field}.type", range["type"]);
    }

    /// <summary><c>progress_percentage</c> and <c>percent_complete</c> 0–100 (rejected outside, never clamped); <c>current_phase</c> a string.</summary>
    public static void ValidateProgress(ValidationErrors errors, JsonObject progress)
    {
        foreach (var name in new[] { "progress_percentage", "percent_complete" })
            FieldRules.Range(errors, $"progress.{name}", JsonMemberRules.Number(errors, $"progress.{name}", progress[name]), 0, 100);
        JsonMemberRules.String(errors, "progress.current_phase", progress["current_phase"]);
    }

    /// <summary><c>risk_score</c> 0–1 (Decision 5); <c>summary</c> a string; <c>findings</c> an array.</summary>
    public static void ValidateResults(ValidationErrors errors, JsonObject results)
    {
        FieldRules.Range(errors, "results.risk_score", JsonMemberRules.Number(errors, "results.risk_score", results["risk_score"]), 0, 1);
        JsonMemberRules.String(errors, "results.summary", results["summary"]);
        JsonMemberRules.Array(errors, "results.findings", results["findings"]);
    }

    public static void ValidateMetadata(ValidationErrors errors, JsonObject metadata)
    {
        if (metadata.ContainsKey("source") && (metadata["source"] is null || JsonMemberRules.String(errors, "metadata.source", metadata["source"]) is ""))
            errors.Add("metadata.source", "metadata.source must not be empty.");
        JsonMemberRules.Array(errors, "metadata.tags", metadata["tags"]);
        JsonMemberRules.Object(errors, "metadata.custom_fields", metadata["custom_fields"]);
    }
}
