using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Olorin.Persistence.Postgres.Conversion;

/// <summary>
/// Maps a nested model object to a <c>jsonb</c> column in the same snake_case shape as the HTTP wire format,
/// compared by content so in-place edits are saved.
/// </summary>
public static class JsonColumn
{
    public static PropertyBuilder<T> HasJsonColumn<T>(this PropertyBuilder<T> property) where T : class?
    {
        property.HasConversion(Converter<T>(), Comparer<T>()).HasColumnType("jsonb");
        return property;
    }

    /// <summary>The same mapping for a member of a complex type (e.g. the unknown members of a run's window).</summary>
    public static ComplexTypePropertyBuilder<T> HasJsonColumn<T>(this ComplexTypePropertyBuilder<T> property) where T : class?
    {
        property.HasConversion(Converter<T>(), Comparer<T>()).HasColumnType("jsonb");
        return property;
    }

    private static ValueConverter<T, string> Converter<T>() where T : class? => new(
        v => JsonSerializer.Serialize(v, OlorinJson.Options),
        v => JsonSerializer.Deserialize<T>(v, OlorinJson.Options)!);

    private static ValueComparer<T> Comparer<T>() where T : class? => new(
        (a, b) => JsonSerializer.Serialize(a, OlorinJson.Options) == JsonSerializer.Serialize(b, OlorinJson.Options),
        v => JsonSerializer.Serialize(v, OlorinJson.Options).GetHashCode(),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, OlorinJson.Options), OlorinJson.Options)!);
}
