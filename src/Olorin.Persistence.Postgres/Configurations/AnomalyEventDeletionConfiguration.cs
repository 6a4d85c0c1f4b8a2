using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Similarity;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class AnomalyEventDeletionConfiguration : IEntityTypeConfiguration<AnomalyEventDeletion>
{
    public void Configure(EntityTypeBuilder<AnomalyEventDeletion> builder)
    {
        builder.ToTable("anomaly_event_deletions");
        // The delta read is (tenant_id, change_xid >= x): a range of this key.
        builder.HasKey(x => new { x.TenantId, x.ChangeXid, x.AnomalyId });
        builder.Property(x => x.TenantId).IsBusinessId();
        builder.Property(x => x.AnomalyId).IsBusinessId();
        builder.Property(x => x.DeletedAt).HasDefaultValueSql("clock_timestamp()");
        builder.HasIndex(x => x.DeletedAt);
    }
}

internal sealed class AnomalyChangeHorizonConfiguration : IEntityTypeConfiguration<AnomalyChangeHorizon>
{
    public void Configure(EntityTypeBuilder<AnomalyChangeHorizon> builder)
    {
        builder.ToTable("anomaly_change_horizon", t => t.HasCheckConstraint("ck_anomaly_change_horizon_id", "id = 1"));
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).ValueGeneratedNever();
    }
}
