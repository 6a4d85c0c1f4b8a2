using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class DetectorConfiguration : IEntityTypeConfiguration<Detector>
{
    public void Configure(EntityTypeBuilder<Detector> builder)
    {
        builder.ToTable("detectors");
        builder.HasKey(x => new { x.TenantId, x.DetectorId });
        builder.Property(x => x.DetectorId).IsBusinessId();
        builder.Property(x => x.Name).HasMaxLength(500).IsRequired();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.CohortBy).HasJsonColumn().IsRequired();
        builder.Property(x => x.Metrics).HasJsonColumn().IsRequired();
        builder.Property(x => x.Params).HasJsonColumn().IsRequired();

        builder.HasIndex(x => new { x.TenantId, x.Enabled });
        builder.HasIndex(x => new { x.TenantId, x.Type, x.Enabled });
    }
}
