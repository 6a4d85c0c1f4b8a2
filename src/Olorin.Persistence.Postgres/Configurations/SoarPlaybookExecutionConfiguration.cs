using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class SoarPlaybookExecutionConfiguration : IEntityTypeConfiguration<SoarPlaybookExecution>
{
    public void Configure(EntityTypeBuilder<SoarPlaybookExecution> builder)
    {
        builder.ToTable("soar_playbook_executions", t => t.HasCheckConstraint("ck_soar_playbook_executions_duration", "duration_ms IS NULL OR duration_ms >= 0"));
        builder.HasKey(x => new { x.TenantId, x.ExecutionId });
        builder.Property(x => x.ExecutionId).IsBusinessId();
        builder.Property(x => x.PlaybookId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.InvestigationId).HasMaxLength(255);
        builder.Property(x => x.AnomalyId).HasMaxLength(255);
        builder.Property(x => x.ActionsExecuted).HasJsonColumn().IsRequired();

        builder.HasIndex(x => new { x.TenantId, x.Status, x.StartedAt }).IsDescending(false, false, true);
        builder.HasIndex(x => new { x.TenantId, x.InvestigationId, x.StartedAt }).IsDescending(false, false, true);
    }
}
