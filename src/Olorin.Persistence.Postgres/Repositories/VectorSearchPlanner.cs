namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>How a similarity query ranks its candidates.</summary>
public enum VectorSearchPath
{
    /// <summary>Every candidate's distance computed: the true nearest neighbours, at a cost linear in the candidates.</summary>
    Exact,

    /// <summary>Through the HNSW index: sub-linear, and finds most (not always all) of the true nearest neighbours.</summary>
    Approximate,
}

/// <summary>
/// The exact-or-approximate decision, from an <em>estimate</em> of the candidates (the planner's row estimate from
/// the table statistics, <see cref="AnomalySimilaritySql.EstimateCandidatesAsync"/>), never a count: counting them
/// costs a scan of the very rows the index is there to avoid (63 ms of a 114 ms request at 100k before).
/// </summary>
public static class VectorSearchPlanner
{
    /// <param name="exactRequested">The caller asked for exact ranking (<c>exact: true</c>).</param>
    /// <param name="estimatedCandidates">The planner's estimate of the rows the query ranks.</param>
    /// <param name="exactMaxCandidates"><c>PGVECTOR_EXACT_SEARCH_MAX_CANDIDATES</c>.</param>
    public static VectorSearchPath Choose(bool exactRequested, double estimatedCandidates, int exactMaxCandidates)
        => exactRequested || estimatedCandidates <= exactMaxCandidates ? VectorSearchPath.Exact : VectorSearchPath.Approximate;
}
