using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Olorin.Core.Serialization;

namespace Olorin.Persistence.Postgres.Conversion;

/// <summary>
/// Maps a nested model object to a <c>jsonb</c> column in the same snake_case shape as the HTTP wire format,
/// compared by content so in-place edits are saved.
/// </summary>
public static class JsonColumn
{
    public static PropertyBuilder<T> HasJsonColumn<T>(this PropertyBuilder<T> property) where T : class?
    {
        property.HasConversion(
                new ValueConverter<T, string>(
                    v => JsonSerializer.Serialize(v, OlorinJson.Options),
                    v => JsonSerializer.Deserialize<T>(v, OlorinJson.Options)!),
                new ValueComparer<T>(
                    (a, b) => JsonSerializer.Serialize(a, OlorinJson.Options) == JsonSerializer.Serialize(b, OlorinJson.Options),
                    v => JsonSerializer.Serialize(v, OlorinJson.Options).GetHashCode(),
                    v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, OlorinJson.Options), OlorinJson.Options)!))
            .HasColumnType("jsonb");
        return property;
    }
}
