using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class DetectionRunConfiguration : IEntityTypeConfiguration<DetectionRun>
{
    public void Configure(EntityTypeBuilder<DetectionRun> builder)
    {
        builder.ToTable("detection_runs", t => t.HasCheckConstraint("ck_detection_runs_duration", "duration_ms IS NULL OR duration_ms >= 0"));
        // The table's primary key is (tenant_id, run_id) (migration TenantScopedKeys); EF Core cannot name a complex-type
        // column in a key, so the model keys on run_id alone and every write names the tenant explicitly.
        builder.HasKey(x => x.RunId);
        builder.Property(x => x.RunId).IsBusinessId();
        builder.ComplexProperty(x => x.Metadata, m =>
        {
            m.Property(x => x.DetectorId).HasColumnName("detector_id").HasMaxLength(255).UseCollation("C");
            m.Property(x => x.DetectorType).HasColumnName("detector_type").HasMaxLength(50);
            m.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(255);
            m.Property(x => x.Status).HasColumnName("status");
        });
        builder.ComplexProperty(x => x.Window, w =>
        {
            w.Property(x => x.From).HasColumnName("window_from");
            w.Property(x => x.To).HasColumnName("window_to");
            w.Property(x => x.DurationHours).HasColumnName("window_duration_hours");
            // The window's other members as the client sent them (Decision 12); migration WindowUnknownMembers.
            w.Property(x => x.UnknownMembers).HasColumnName("window_unknown_members").HasJsonColumn().HasDefaultValueSql("'{}'::jsonb").IsRequired();
        });
        builder.Property(x => x.Info).HasJsonColumn().IsRequired();
        // Indexes over the flattened metadata columns are created in the migration with SQL:
        // EF Core cannot index complex-type properties.
    }
}
