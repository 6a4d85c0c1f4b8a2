using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class RowCountConfiguration : IEntityTypeConfiguration<RowCount>
{
    public void Configure(EntityTypeBuilder<RowCount> builder)
    {
        // No CHECK (n >= 0): an upsert's proposed row carries a negative delta before ON CONFLICT turns it into an update.
        builder.ToTable("row_counts");
        builder.HasKey(x => new { x.TableName, x.TenantId, x.Dimension, x.Value, x.Slot });
        builder.Property(x => x.TableName).HasMaxLength(63).UseCollation("C");
        builder.Property(x => x.TenantId).IsBusinessId();
        builder.Property(x => x.Dimension).HasMaxLength(63).UseCollation("C");
        builder.Property(x => x.Value).HasMaxLength(255).UseCollation("C");
    }
}
