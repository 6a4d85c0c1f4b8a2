namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Semantic investigation search, like the anomaly similarity search: Atlas <c>$vectorSearch</c> on
/// <c>investigations_vector</c> when the server has it, else exact cosine computed on the server. Both rank by cosine
/// similarity (Decision 11) and keep those ≥ min_similarity.
/// </summary>
public static class InvestigationVectorFilters
{
    private static FilterDefinitionBuilder<Investigation> Filter => Builders<Investigation>.Filter;
    private static FilterDefinitionBuilder<ScoredDocument<Investigation>> ScoredFilter => Builders<ScoredDocument<Investigation>>.Filter;
    private static SortDefinition<ScoredDocument<Investigation>> BestFirst =>
        Builders<ScoredDocument<Investigation>>.Sort.Descending(s => s.Score).Ascending(s => s.Document.InvestigationId);

    /// <summary>
    /// <c>$vectorSearch</c> pre-filtered on the tenant for the first <c>skip + take</c> neighbours
    /// (https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-stage/), the score converted from
    /// Atlas' (1 + cos) / 2 to cosine, then the threshold and the page.
    /// </summary>
    public static PipelineDefinition<Investigation, ScoredDocument<Investigation>> VectorSearch(
        string tenantId, float[] vector, double minSimilarity, int skip, int take, string indexName)
    {
        var limit = (int)Math.Min((long)skip + take, AnomalyFilters.MaxCandidates);
        var options = new VectorSearchOptions<Investigation>
        {
            IndexName = indexName,
            NumberOfCandidates = AnomalyFilters.CandidatesFor(limit),
            Filter = Filter.Eq(i => i.TenantId, tenantId),
        };
        return new EmptyPipelineDefinition<Investigation>()
            .VectorSearch(i => i.Embedding, new QueryVector(vector), limit, options)
            .Project<Investigation, Investigation, ScoredDocument<Investigation>>(new BsonDocument
            {
                { "_id", 0 },
                { ScoredDocument<Investigation>.DocumentField, "$$ROOT" },
                { ScoredDocument<Investigation>.ScoreField, AnomalyFilters.CosineFromAtlasScore(new BsonDocument("$meta", "vectorSearchScore")) },
            })
            .Match(ScoredFilter.Gte(s => s.Score, minSimilarity))
            .Skip(skip)
            .Limit(take);
    }

    /// <summary>Exact cosine over the tenant's embedded investigations, best first, one page.</summary>
    public static PipelineDefinition<Investigation, ScoredDocument<Investigation>> ExactCosine(
        string tenantId, float[] vector, double minSimilarity, int skip, int take)
        => Scored(tenantId, vector, minSimilarity).Sort(BestFirst).Skip(skip).Limit(take);

    /// <summary>How many of the tenant's investigations the exact ranking keeps.</summary>
    public static PipelineDefinition<Investigation, AggregateCountResult> ExactCount(string tenantId, float[] vector, double minSimilarity)
        => Scored(tenantId, vector, minSimilarity).Count();

    private static PipelineDefinition<Investigation, ScoredDocument<Investigation>> Scored(string tenantId, float[] vector, double minSimilarity)
        => new EmptyPipelineDefinition<Investigation>()
            .Match(Filter.Eq(i => i.TenantId, tenantId) & Filter.Size(i => i.Embedding, vector.Length))
            .Project<Investigation, Investigation, ScoredDocument<Investigation>>(new BsonDocument
            {
                { "_id", 0 },
                { ScoredDocument<Investigation>.DocumentField, "$$ROOT" },
                { ScoredDocument<Investigation>.ScoreField, AnomalyFilters.CosineSimilarity("$embedding", vector) },
            })
            .Match(ScoredFilter.Gte(s => s.Score, minSimilarity));
}
