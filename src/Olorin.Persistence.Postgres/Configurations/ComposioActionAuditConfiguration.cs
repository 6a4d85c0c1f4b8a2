using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class ComposioActionAuditConfiguration : IEntityTypeConfiguration<ComposioActionAudit>
{
    public void Configure(EntityTypeBuilder<ComposioActionAudit> builder)
    {
        builder.ToTable("composio_action_audit", t => t.HasCheckConstraint("ck_composio_action_audit_retry_count", "retry_count >= 0"));
        builder.HasKey(x => new { x.TenantId, x.AuditId });
        builder.Property(x => x.AuditId).IsBusinessId();
        builder.Property(x => x.ActionId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.ToolkitName).HasMaxLength(255).IsRequired();
        builder.Property(x => x.ActionName).HasMaxLength(255).IsRequired();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.ConnectionId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.ExecutionId).HasMaxLength(255);
        builder.Property(x => x.Parameters).HasJsonColumn().IsRequired();
        builder.Property(x => x.Result).HasJsonColumn().IsRequired();

        builder.HasIndex(x => new { x.TenantId, x.ExecutedAt }).IsDescending(false, true);
        builder.HasIndex(x => new { x.TenantId, x.Status, x.ExecutedAt });
        builder.HasIndex(x => new { x.TenantId, x.ToolkitName });
        builder.HasIndex(x => new { x.TenantId, x.ConnectionId });
    }
}
