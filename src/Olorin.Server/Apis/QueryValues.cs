using System.Globalization;

namespace Olorin.Server.Apis;

/// <summary>
/// Reads query-string values that model binding cannot (wire enum spellings, ISO-8601 instants) or must range-check
/// (paging), recording a per-field error instead of failing the whole request.
/// </summary>
internal static class QueryValues
{
    public static PageRequest Page(ValidationErrors errors, int? page, int? pageSize)
    {
        FieldRules.Range(errors, "page", page, 1, PageRequest.MaxPage);
        FieldRules.Range(errors, "page_size", pageSize, 1, PageRequest.MaxPageSize);
        return new PageRequest(page ?? 1, pageSize ?? PageRequest.DefaultPageSize);
    }

    public static TEnum? WireEnumValue<TEnum>(ValidationErrors errors, string field, string? value) where TEnum : struct, Enum
    {
        if (value is null) return null;
        if (WireEnum.TryParse<TEnum>(value, out var parsed)) return parsed;
        FieldRules.OneOf(errors, field, value, WireEnum.WireValues<TEnum>().ToList());
        return null;
    }

    /// <summary>An ISO-8601 instant; without an offset it is taken as UTC.</summary>
    public static DateTime? Instant(ValidationErrors errors, string field, string? value)
    {
        if (value is null) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            return UtcTime.Normalize(instant.UtcDateTime);
        errors.Add(field, $"{field} must be an ISO-8601 date-time such as 2026-01-31T12:00:00Z (was '{value}').");
        return null;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; null when absent.</summary>
    public static int? Integer(ValidationErrors errors, string field, string? value, int min, int max = int.MaxValue)
    {
        if (value is null) return null;
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            return number;
        errors.Add(field, max == int.MaxValue
            ? $"{field} must be a whole number of at least {min} (was '{value}')."
            : $"{field} must be a whole number between {min} and {max} (was '{value}').");
        return null;
    }

    /// <summary><c>true</c> or <c>false</c> (any case); null when absent.</summary>
    public static bool? Boolean(ValidationErrors errors, string field, string? value)
    {
        if (value is null) return null;
        if (bool.TryParse(value, out var flag)) return flag;
        errors.Add(field, $"{field} must be true or false (was '{value}').");
        return null;
    }
}
