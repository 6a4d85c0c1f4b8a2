using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class ComposioConnectionConfiguration : IEntityTypeConfiguration<ComposioConnection>
{
    public void Configure(EntityTypeBuilder<ComposioConnection> builder)
    {
        builder.ToTable("composio_connections");
        builder.HasKey(x => new { x.TenantId, x.ConnectionId });
        builder.Property(x => x.ConnectionId).IsBusinessId();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.ToolkitName).HasMaxLength(255).IsRequired();
        builder.Property(x => x.ComposioConnectionId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.EncryptedAccessToken).IsRequired();

        builder.HasIndex(x => new { x.TenantId, x.ToolkitName, x.Status });
        builder.HasIndex(x => new { x.TenantId, x.ExpiresAt });
    }
}
