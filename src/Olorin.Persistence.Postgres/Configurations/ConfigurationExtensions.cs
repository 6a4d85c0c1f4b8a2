using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Olorin.Persistence.Postgres.Configurations;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// A business id: 1–255 characters, compared and ordered bytewise (collation "C") so that exports are
    /// ordered exactly as MongoDB orders the same strings.
    /// </summary>
    public static PropertyBuilder<string> IsBusinessId(this PropertyBuilder<string> property)
        => property.HasMaxLength(255).UseCollation("C");

    public static PropertyBuilder<string?> IsOptionalBusinessId(this PropertyBuilder<string?> property)
        => property.HasMaxLength(255).UseCollation("C");
}
