using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class TransactionScoreConfiguration : IEntityTypeConfiguration<TransactionScore>
{
    public void Configure(EntityTypeBuilder<TransactionScore> builder)
    {
        builder.ToTable("transaction_scores", t => t.HasCheckConstraint("ck_transaction_scores_risk_score", "risk_score >= 0 AND risk_score <= 1"));
        builder.HasKey(x => new { x.TenantId, x.InvestigationId, x.TransactionId });
        builder.Property(x => x.InvestigationId).IsBusinessId();
        builder.Property(x => x.TransactionId).IsBusinessId();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.ScoreComponents).HasJsonColumn();

        // The list's order (risk_score DESC, transaction_id) in full: a page is read off the index with no sort step.
        builder.HasIndex(x => new { x.TenantId, x.InvestigationId, x.RiskScore, x.TransactionId }).IsDescending(false, false, true, false);
        builder.HasIndex(x => new { x.TenantId, x.CreatedAt }).IsDescending(false, true);
    }
}
