namespace Olorin.Core.Validation;

/// <summary>Reusable single-field rules; each adds a message naming the field and never alters the value.</summary>
public static class FieldRules
{
    /// <summary>The data model's "id str": 1–255 characters.</summary>
    public const int MaxIdLength = 255;

    public static void Length(ValidationErrors errors, string field, string? value, int min, int max)
    {
        if (value is null) return;
        if (value.Length < min || value.Length > max)
            errors.Add(field, min == max ? $"{field} must be {min} characters." : $"{field} must be {min}–{max} characters long (was {value.Length}).");
    }

    public static void Id(ValidationErrors errors, string field, string? value) => Length(errors, field, value, 1, MaxIdLength);

    public static void Range(ValidationErrors errors, string field, double? value, double min, double max)
    {
        if (value is not { } v) return;
        if (double.IsNaN(v) || v < min || v > max)
            errors.Add(field, $"{field} must be between {min} and {max} (was {v}).");
    }

    public static void Range(ValidationErrors errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
            errors.Add(field, $"{field} must be between {min} and {max} (was {v}).");
    }

    public static void OneOf(ValidationErrors errors, string field, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
            errors.Add(field, $"{field} must be one of: {string.Join(", ", allowed)} (was '{value}').");
    }

    public static void MaxCount<T>(ValidationErrors errors, string field, IReadOnlyCollection<T>? items, int max)
    {
        if (items is not null && items.Count > max)
            errors.Add(field, $"{field} may contain at most {max} items (had {items.Count}).");
    }

    /// <summary>An "id str" that must be present.</summary>
    public static void RequiredId(ValidationErrors errors, string field, string? value)
    {
        if (value is null) errors.Add(field, $"{field} is required.");
        else Id(errors, field, value);
    }

    /// <summary>When present, one of the enum's wire spellings (<see cref="WireEnum"/>).</summary>
    public static void WireValue<TEnum>(ValidationErrors errors, string field, string? value) where TEnum : struct, Enum
    {
        if (value is not null && !WireEnum.TryParse<TEnum>(value, out _))
            errors.Add(field, $"{field} must be one of: {string.Join(", ", WireEnum.WireValues<TEnum>())} (was '{value}').");
    }

    public static void RequiredWireValue<TEnum>(ValidationErrors errors, string field, string? value) where TEnum : struct, Enum
    {
        if (value is null) errors.Add(field, $"{field} is required.");
        else WireValue<TEnum>(errors, field, value);
    }
}
