using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class InvestigationTemplateConfiguration : IEntityTypeConfiguration<InvestigationTemplate>
{
    public void Configure(EntityTypeBuilder<InvestigationTemplate> builder)
    {
        builder.ToTable("investigation_templates", t => t.HasCheckConstraint("ck_investigation_templates_usage_count", "usage_count >= 0"));
        builder.HasKey(x => new { x.TenantId, x.TemplateId });
        builder.Property(x => x.TemplateId).IsBusinessId();
        builder.Property(x => x.UserId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.Name).HasMaxLength(500).IsRequired();
        builder.Property(x => x.Description).HasMaxLength(2000);
        builder.Property(x => x.Template).HasJsonColumn().IsRequired();

        builder.HasIndex(x => new { x.TenantId, x.UserId, x.Name }).IsUnique();
        builder.HasIndex(x => new { x.TenantId, x.UsageCount }).IsDescending(false, true);
    }
}
