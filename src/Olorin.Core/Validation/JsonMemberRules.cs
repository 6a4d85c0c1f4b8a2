using System.Text.Json;

namespace Olorin.Core.Validation;

/// <summary>
/// Rules for the members the server interprets inside a free-form object (Decision 12). An absent or null member is
/// not checked; a present one of the wrong JSON type is a 400 naming it. Values are only read, never rewritten.
/// </summary>
public static class JsonMemberRules
{
    /// <summary>The member as a string when it is one; otherwise records the error and returns null.</summary>
    public static string? String(ValidationErrors errors, string field, JsonNode? node)
    {
        if (node is null) return null;
        if (InvestigationReadings.StringOf(node) is { } text) return text;
        errors.Add(field, $"{field} must be a string.");
        return null;
    }

    public static double? Number(ValidationErrors errors, string field, JsonNode? node)
    {
        if (node is null) return null;
        if (InvestigationReadings.NumberOf(node) is { } number) return number;
        errors.Add(field, $"{field} must be a number.");
        return null;
    }

    public static JsonObject? Object(ValidationErrors errors, string field, JsonNode? node)
    {
        if (node is null) return null;
        if (node is JsonObject obj) return obj;
        errors.Add(field, $"{field} must be an object.");
        return null;
    }

    public static JsonArray? Array(ValidationErrors errors, string field, JsonNode? node, int? maxItems = null)
    {
        if (node is null) return null;
        if (node is not JsonArray array)
        {
            errors.Add(field, $"{field} must be an array.");
            return null;
        }
        if (maxItems is { } max && array.Count > max)
            errors.Add(field, $"{field} may contain at most {max} items (had {array.Count}).");
        return array;
    }

    public static void Boolean(ValidationErrors errors, string field, JsonNode? node)
    {
        if (node is not null && InvestigationReadings.KindOf(node) is not (JsonValueKind.True or JsonValueKind.False))
            errors.Add(field, $"{field} must be true or false.");
    }

    /// <summary>An ISO 8601 instant (naive = UTC); returns it, or records the error.</summary>
    public static DateTime? Instant(ValidationErrors errors, string field, JsonNode? node)
    {
        if (String(errors, field, node) is not { } text) return null;
        if (InvestigationReadings.Instant(node) is { } instant) return instant;
        errors.Add(field, $"{field} must be an ISO 8601 date and time (was '{text}').");
        return null;
    }
}
