using System.Globalization;
using System.Text.Json;

namespace Olorin.Core.Models;

/// <summary>
/// What the server reads from an investigation's free-form objects (Decision 12): the objects are stored as the
/// client sent them, and every spelling the existing clients use is understood here, in one place.
/// </summary>
public static class InvestigationReadings
{
    /// <summary>A tool names itself with <c>tool_id</c> (the existing frontend) or <c>tool_name</c> (the reference schema).</summary>
    public static readonly IReadOnlyList<string> ToolIdFields = ["tool_id", "tool_name"];

    /// <summary>Start of a <c>time_range</c>: <c>start</c> (frontend), <c>start_time</c> (scripts), <c>start_date</c> (reference schema).</summary>
    public static readonly IReadOnlyList<string> TimeRangeStartFields = ["start", "start_time", "start_date"];

    public static readonly IReadOnlyList<string> TimeRangeEndFields = ["end", "end_time", "end_date"];

    /// <summary>The tool's identifier under whichever spelling it was sent; null when it has none.</summary>
    public static string? ToolId(JsonObject tool)
        => ToolIdFields.Select(f => StringOf(tool[f])).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    /// <summary>The first of <paramref name="spellings"/> present in <paramref name="obj"/> (null-valued counts as present).</summary>
    public static string? FirstPresent(JsonObject obj, IReadOnlyList<string> spellings)
        => spellings.FirstOrDefault(obj.ContainsKey);

    /// <summary><c>progress.progress_percentage</c> (else the API schema's <c>percent_complete</c>), 0 when absent.</summary>
    public static double ProgressPercentage(JsonObject? progress)
        => NumberOf(progress?["progress_percentage"]) ?? NumberOf(progress?["percent_complete"]) ?? 0;

    public static string? CurrentPhase(JsonObject? progress) => StringOf(progress?["current_phase"]);

    /// <summary>
    /// An instant as the clients write it: ISO 8601, with an offset or naive (naive means UTC); null when it is not one.
    /// </summary>
    public static DateTime? Instant(JsonNode? node)
    {
        if (StringOf(node) is not { } text) return null;
        return DateTime.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces, out var value)
            ? DateTime.SpecifyKind(value, DateTimeKind.Utc)
            : null;
    }

    public static string? StringOf(JsonNode? node)
        => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static double? NumberOf(JsonNode? node)
        => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    public static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;
}
