using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class RowCountConfiguration : IEntityTypeConfiguration<RowCount>
{
    public void Configure(EntityTypeBuilder<RowCount> builder)
    {
        // No CHECK (n >= 0): an upsert's proposed row carries a negative delta before ON CONFLICT turns it into an update.
        builder.ToTable("row_counts");
        // vacuum_truncate off: the table is a few hundred hot rows, so the empty pages VACUUM would cut off its end come
        // back within seconds, and cutting them takes an ACCESS EXCLUSIVE lock that every counted write (each POST)
        // queues behind (docs/performance.md, "Session 8: POST P99").
        builder.HasStorageParameter("vacuum_truncate", false);
        builder.HasKey(x => new { x.TableName, x.TenantId, x.Dimension, x.Value, x.Slot });
        builder.Property(x => x.TableName).HasMaxLength(63).UseCollation("C");
        builder.Property(x => x.TenantId).IsBusinessId();
        builder.Property(x => x.Dimension).HasMaxLength(63).UseCollation("C");
        builder.Property(x => x.Value).HasMaxLength(255).UseCollation("C");
    }
}
