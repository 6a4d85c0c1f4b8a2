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
}
