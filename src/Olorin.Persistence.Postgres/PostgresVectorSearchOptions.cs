using Microsoft.Extensions.Configuration;

namespace Olorin.Persistence.Postgres;

/// <summary>Tuning of the pgvector similarity search; bound from <c>PGVECTOR_EF_SEARCH</c> and <c>PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES</c>.</summary>
public sealed class PostgresVectorSearchOptions
{
    /// <summary>
    /// <c>hnsw.ef_search</c>: the size of the candidate list the index walks per query (raised to K when smaller).
    /// Larger is slower but finds more of the true nearest neighbours; 200 recalled ≥ 0.95 of the true top 10 on
    /// realistic (MiniLM) embeddings at 100k in every measured index build, 100 did not (docs/performance.md, "Similarity").
    /// </summary>
    [ConfigurationKeyName("PGVECTOR_EF_SEARCH")]
    public int EfSearch { get; set; } = 200;

    /// <summary>
    /// A search whose candidates (the tenant's anomalies with an embedding, after the filters) number at most this
    /// is ranked exactly instead of through the HNSW index: every true nearest neighbour, at a cost linear in the
    /// candidates (tens of milliseconds for tens of thousands).
    /// </summary>
    [ConfigurationKeyName("PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES")]
    public int ExactSearchMaxCandidates { get; set; } = 50_000;

    /// <summary>
    /// Memory for the in-process exact index (<see cref="Similarity.ExactVectorIndex"/>), in MiB, over every tenant it
    /// holds (about 1.6 KiB per anomaly with an embedding: 100,000 take ~160 MiB). Tenants are evicted least recently
    /// used first; a tenant larger than the whole budget is ranked exactly by PostgreSQL instead. 0 turns the index
    /// off (every exact ranking in PostgreSQL).
    /// </summary>
    [ConfigurationKeyName("SIMILARITY_EXACT_INDEX_MAX_MB")]
    public int ExactIndexMaxMegabytes { get; set; } = 1024;

    /// <summary>The largest accepted <see cref="ExactIndexMaxMegabytes"/> (1 TiB).</summary>
    public const int ExactIndexMaxMegabytesLimit = 1 << 20;
}
