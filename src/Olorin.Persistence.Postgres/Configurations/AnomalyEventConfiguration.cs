using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class AnomalyEventConfiguration : IEntityTypeConfiguration<AnomalyEvent>
{
    public const int EmbeddingDimensions = 384;

    /// <summary>
    /// The writing transaction's id (<c>pg_current_xact_id()</c>), stamped by a trigger on every insert and on every
    /// update of a column the in-process exact index holds (<see cref="Similarity.ExactIndexChangeSql"/>); not part of
    /// the document.
    /// </summary>
    public const string ChangeXid = "ChangeXid";

    public void Configure(EntityTypeBuilder<AnomalyEvent> builder)
    {
        builder.ToTable("anomaly_events", t =>
        {
            t.HasCheckConstraint("ck_anomaly_events_score", "score >= 0");
            t.HasCheckConstraint("ck_anomaly_events_persisted_n", "persisted_n >= 1");
        });
        builder.HasKey(x => new { x.TenantId, x.AnomalyId });
        builder.Property(x => x.AnomalyId).IsBusinessId();
        builder.Property(x => x.RunId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.DetectorId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.InvestigationId).HasMaxLength(255);
        builder.Property(x => x.Metric).IsRequired();
        builder.Property(x => x.Cohort).HasJsonColumn().IsRequired();
        builder.Property(x => x.Evidence).HasJsonColumn().IsRequired();
        builder.ComplexProperty(x => x.Window, w =>
        {
            w.Property(x => x.Start).HasColumnName("window_start");
            w.Property(x => x.End).HasColumnName("window_end");
            w.Property(x => x.DurationMinutes).HasColumnName("window_duration_minutes");
            // The window's other members as the client sent them (Decision 12); migration WindowUnknownMembers.
            w.Property(x => x.UnknownMembers).HasColumnName("window_unknown_members").HasJsonColumn().HasDefaultValueSql("'{}'::jsonb").IsRequired();
        });
        builder.Property(x => x.Embedding)
            .HasConversion(new EmbeddingConverter(), EmbeddingConverter.Comparer)
            .HasColumnType($"vector({EmbeddingDimensions})")
            .IsRequired(false);

        builder.Ignore(x => x.EmbeddingStored);
        builder.Ignore(x => x.HasEmbedding);

        builder.Property<long>(ChangeXid).HasDefaultValueSql(Similarity.ExactIndexChangeSql.CurrentXid).ValueGeneratedOnAddOrUpdate();
        builder.HasIndex(nameof(AnomalyEvent.TenantId), ChangeXid);

        builder.HasIndex(x => new { x.TenantId, x.Status, x.Severity });
        builder.HasIndex(x => new { x.TenantId, x.RunId, x.CreatedAt }).IsDescending(false, false, true);
        // The list's order (score DESC, anomaly_id) in full, so a page is read off the index with no sort step.
        builder.HasIndex(x => new { x.TenantId, x.DetectorId, x.Score, x.AnomalyId }).IsDescending(false, false, true, false);
        builder.HasIndex(x => new { x.TenantId, x.InvestigationId });
        builder.HasIndex(x => new { x.TenantId, x.Score, x.AnomalyId }).IsDescending(false, true, false);
        builder.HasIndex(x => x.Embedding).HasMethod("hnsw").HasOperators("vector_cosine_ops");
    }
}
