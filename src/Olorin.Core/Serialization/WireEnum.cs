using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Olorin.Core.Serialization;

/// <summary>
/// Legacy spellings an enum member is also read from (for example CREATED for CREATE, Decision 3).
/// They are accepted on input and never written.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class AcceptsAliasAttribute(params string[] aliases) : Attribute
{
    public IReadOnlyList<string> Aliases { get; } = aliases;
}

/// <summary>
/// The one place that knows how an enum value is spelled on the wire and in storage
/// (<see cref="JsonStringEnumMemberNameAttribute"/>), so JSON, EF Core and the MongoDB serializers agree.
/// </summary>
public static class WireEnum
{
    private static readonly ConcurrentDictionary<Type, EnumNames> Cache = new();

    public static string ToWire<TEnum>(TEnum value) where TEnum : struct, Enum
        => Names(typeof(TEnum)).ToWire[value];

    public static string ToWire(Type enumType, object value) => Names(enumType).ToWire[(Enum)value];

    public static TEnum Parse<TEnum>(string wire) where TEnum : struct, Enum
        => TryParse<TEnum>(wire, out var value)
            ? value
            : throw new FormatException($"'{wire}' is not a valid {typeof(TEnum).Name}; expected one of: {string.Join(", ", WireValues<TEnum>())}.");

    public static bool TryParse<TEnum>(string? wire, out TEnum value) where TEnum : struct, Enum
    {
        if (wire is not null && Names(typeof(TEnum)).FromWire.TryGetValue(wire, out var found))
        {
            value = (TEnum)found;
            return true;
        }
        value = default;
        return false;
    }

    public static bool TryParse(Type enumType, string? wire, out object? value)
    {
        if (wire is not null && Names(enumType).FromWire.TryGetValue(wire, out var found))
        {
            value = found;
            return true;
        }
        value = null;
        return false;
    }

    public static IReadOnlyList<string> WireValues<TEnum>() where TEnum : struct, Enum => Names(typeof(TEnum)).Canonical;

    public static IReadOnlyList<string> WireValues(Type enumType) => Names(enumType).Canonical;

    private static EnumNames Names(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var toWire = new Dictionary<Enum, string>();
        var fromWire = new Dictionary<string, Enum>(StringComparer.Ordinal);
        var canonical = new List<string>();
        foreach (var field in t.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (Enum)field.GetValue(null)!;
            var name = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;
            toWire[value] = name;
            fromWire[name] = value;
            canonical.Add(name);
            foreach (var alias in field.GetCustomAttribute<AcceptsAliasAttribute>()?.Aliases ?? [])
                fromWire[alias] = value;
        }
        return new EnumNames(toWire, fromWire, canonical);
    });

    private sealed record EnumNames(
        IReadOnlyDictionary<Enum, string> ToWire,
        IReadOnlyDictionary<string, Enum> FromWire,
        IReadOnlyList<string> Canonical);
}
