namespace Olorin.Persistence.Postgres;

/// <summary>Tuning of the pgvector HNSW similarity search.</summary>
public sealed class PostgresVectorSearchOptions
{
    /// <summary>
    /// <c>hnsw.ef_search</c>: the size of the candidate list the index walks per query (raised to K when smaller).
    /// Larger is slower but finds more of the true nearest neighbours.
    /// </summary>
    public int EfSearch { get; set; } = 100;
}
