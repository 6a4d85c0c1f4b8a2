using Microsoft.Extensions.Configuration;

namespace Olorin.Persistence.Postgres;

/// <summary>
/// Tuning of the pgvector similarity search; bound from <c>PGVECTOR_EF_SEARCH</c>, <c>PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES</c>,
/// <c>SIMILARITY_EXACT_INDEX_MAX_MB</c>, <c>PGVECTOR_SEARCH_CONNECTIONS</c> and <c>PGVECTOR_WARMUP_QUERIES</c>.
/// </summary>
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

    /// <summary>
    /// Connections of the pool that runs the similarity SQL (<see cref="Similarity.VectorSearchConnections"/>), kept open;
    /// part of the server's <see cref="ConnectionBudget"/>.
    /// A PostgreSQL backend's first HNSW walks cost several times its later ones (measured: ~80 ms of CPU for the first
    /// query of a new backend, ~35 ms each over its first ten, ~6 ms warm; docs/performance.md, "Session 6: HNSW path"),
    /// so the walks go to a few long-lived backends instead of rotating through the request pool's. Default: the
    /// machine's core count (more walks than cores cannot run at once anyway; fewer backends each warm up sooner).
    /// </summary>
    [ConfigurationKeyName("PGVECTOR_SEARCH_CONNECTIONS")]
    public int SearchConnections { get; set; } = Math.Min(Environment.ProcessorCount, SearchConnectionsLimit);

    /// <summary>
    /// Start-up warm-up of the HNSW path (<see cref="Similarity.VectorSearchWarmUp"/>): the index is loaded into shared
    /// buffers with <c>pg_prewarm</c> when that extension exists in the database, then each search connection in turn
    /// runs this many HNSW queries with stored embeddings (a backend's walks cost ~10 ms of CPU each over its first
    /// hundred, ~6 ms after), at most <see cref="Similarity.VectorSearchWarmUp.TimeLimit"/> in all. 0 turns the warm-up off.
    /// </summary>
    [ConfigurationKeyName("PGVECTOR_WARMUP_QUERIES")]
    public int WarmUpQueries { get; set; } = 100;

    /// <summary>The largest accepted <see cref="SearchConnections"/>.</summary>
    public const int SearchConnectionsLimit = 100;

    /// <summary>The largest accepted <see cref="WarmUpQueries"/>.</summary>
    public const int WarmUpQueriesLimit = 1000;

    /// <summary>The largest accepted <see cref="ExactIndexMaxMegabytes"/> (1 TiB).</summary>
    public const int ExactIndexMaxMegabytesLimit = 1 << 20;
}
