using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class AuditLogEntryConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> builder)
    {
        builder.ToTable("investigation_audit_log");
        builder.HasKey(x => x.EntryId);
        builder.Property(x => x.EntryId).IsBusinessId();
        builder.ComplexProperty(x => x.Metadata, m =>
        {
            m.Property(x => x.InvestigationId).HasColumnName("investigation_id").HasMaxLength(255).UseCollation("C");
            m.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(255);
            m.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(255);
            m.Property(x => x.ActionType).HasColumnName("action_type");
            m.Property(x => x.Source).HasColumnName("source");
        });
        builder.Property(x => x.Changes).HasJsonColumn().IsRequired();
        builder.Property(x => x.StateSnapshot).HasJsonColumn().IsRequired();
        // Indexes over the flattened metadata columns are created in the migration with SQL:
        // EF Core cannot index complex-type properties.
    }
}
