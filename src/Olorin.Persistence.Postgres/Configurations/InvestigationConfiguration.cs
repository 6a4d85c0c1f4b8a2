using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;
using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres.Configurations;

internal sealed class InvestigationConfiguration : IEntityTypeConfiguration<Investigation>
{
    /// <summary>Shadow column for investigation full-text search (settings.name, entity values, results.summary/findings).</summary>
    public const string SearchVector = "SearchVector";

    /// <summary>
    /// How much of the searchable text is indexed: a tsvector holds at most 1 MB (PostgreSQL's limit), and 200,000
    /// characters (at most 800 KB of UTF-8) stay below it with the per-lexeme overhead, so a longer text is stored
    /// whole and indexed up to here instead of failing the write (docs/api.md, "Search").
    /// </summary>
    public const int SearchableCharacters = 200_000;

    public void Configure(EntityTypeBuilder<Investigation> builder)
    {
        builder.ToTable("investigation_states", t =>
        {
            t.HasCheckConstraint("ck_investigation_states_version", "version >= 1");
        });
        // Room on every page for the once-a-second last_accessed flush (LastAccessedBuffer) to write each row's new
        // version beside the old one: such an update changes no indexed column, so with room it is a HOT update that
        // touches none of the table's six indexes (GIN and HNSW included); at fillfactor 100 none was HOT
        // (docs/performance.md, "Session 7: GET by id").
        builder.HasStorageParameter("fillfactor", 80);
        builder.HasKey(x => new { x.TenantId, x.InvestigationId });
        builder.Property(x => x.InvestigationId).IsBusinessId();
        builder.Property(x => x.UserId).HasMaxLength(255).IsRequired();
        builder.Property(x => x.TenantId).IsBusinessId().IsRequired();
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.Property(x => x.Settings).HasJsonColumn();
        builder.Property(x => x.Progress).HasJsonColumn();
        builder.Property(x => x.Results).HasJsonColumn();
        builder.Property(x => x.Metadata).HasJsonColumn().IsRequired();

        builder.Property<NpgsqlTsVector>(SearchVector)
            .HasColumnName("search_vector")
            .HasComputedColumnSql(
                "to_tsvector('english'::regconfig, left(" +
                "coalesce(settings->>'name', '') || ' ' || " +
                "coalesce(settings->>'entity_value', '') || ' ' || " +
                "coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || " +
                "coalesce(results->>'summary', '') || ' ' || " +
                $"coalesce((results->'findings')::text, ''), {SearchableCharacters}))",
                stored: true);
        // fastupdate off: with GIN's pending list (the default) the insert that finds the list past
        // gin_pending_list_limit (4 MB, about 50,000 rows here) merges all of it into the index itself, on CPU for a
        // second under the POST load, while the other inserts pay nothing; without it every insert updates the index
        // (three keys per investigation), at no measurable CPU per POST (docs/performance.md, "Session 8: POST P99").
        builder.HasIndex(SearchVector).HasMethod("gin").HasStorageParameter("fastupdate", false);

        // The server's embedding of settings, findings and summary (semantic search); NULL until computed.
        builder.Property(x => x.Embedding)
            .HasConversion(new EmbeddingConverter(), EmbeddingConverter.Comparer)
            .HasColumnType($"vector({AnomalyEventConfiguration.EmbeddingDimensions})")
            .IsRequired(false);
        builder.HasIndex(x => x.Embedding).HasMethod("hnsw").HasOperators("vector_cosine_ops");

        builder.HasIndex(x => new { x.TenantId, x.Status });
        builder.HasIndex(x => new { x.TenantId, x.UpdatedAt }).IsDescending(false, true);
        builder.HasIndex(x => new { x.TenantId, x.UserId, x.CreatedAt }).IsDescending(false, false, true);
    }
}
