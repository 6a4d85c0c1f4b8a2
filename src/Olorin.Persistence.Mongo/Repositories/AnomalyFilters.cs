using Olorin.Core.Transitions;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoAnomalyEventRepository"/>, tenant first.</summary>
public static class AnomalyFilters
{
    private static FilterDefinitionBuilder<AnomalyEvent> Filter => Builders<AnomalyEvent>.Filter;
    private static UpdateDefinitionBuilder<AnomalyEvent> Update => Builders<AnomalyEvent>.Update;
    private static FilterDefinitionBuilder<ScoredDocument<AnomalyEvent>> ScoredFilter => Builders<ScoredDocument<AnomalyEvent>>.Filter;

    public static FilterDefinition<AnomalyEvent> ById(string tenantId, string anomalyId)
        => Filter.Eq(a => a.TenantId, tenantId) & Filter.Eq(a => a.AnomalyId, anomalyId);

    public static FilterDefinition<AnomalyEvent> List(string tenantId, AnomalyQuery query)
    {
        var filter = Filter.Eq(a => a.TenantId, tenantId);
        if (query.RunId is not null) filter &= Filter.Eq(a => a.RunId, query.RunId);
        if (query.DetectorId is not null) filter &= Filter.Eq(a => a.DetectorId, query.DetectorId);
        if (query.InvestigationId is not null) filter &= Filter.Eq(a => a.InvestigationId, query.InvestigationId);
        if (query.Severity is { } severity) filter &= Filter.Eq(a => a.Severity, severity);
        if (query.Status is { } status) filter &= Filter.Eq(a => a.Status, status);
        if (query.MinScore is { } minScore) filter &= Filter.Gte(a => a.Score, minScore);
        return filter;
    }

    /// <summary>One insert per anomaly, for the unordered bulk write of <see cref="InsertIgnoringStored"/>.</summary>
    public static IEnumerable<WriteModel<AnomalyEvent>> InsertEach(IEnumerable<AnomalyEvent> anomalies)
        => anomalies.Select(a => new InsertOneModel<AnomalyEvent>(a));

    /// <summary>
    /// Unordered: an insert refused by the unique (tenant_id, anomaly_id) index (an id already stored) does not stop
    /// the others (https://www.mongodb.com/docs/manual/reference/method/db.collection.bulkWrite/#ordered-vs-unordered-operations).
    /// </summary>
    public static BulkWriteOptions InsertIgnoringStored { get; } = new() { IsOrdered = false };

    /// <summary>
    /// What the list reads when the response leaves the embedding out: every field, the embedding cut to its first
    /// number, which is enough to tell whether one is stored (<see cref="MongoAnomalyEventRepository.ListAsync"/> then
    /// empties it). A <c>$slice</c> projection alone, as an exclusion projection does, returns the document's other
    /// fields (https://www.mongodb.com/docs/manual/reference/operator/projection/slice/). Written as a document: the
    /// driver's <c>Projection.Slice</c> renders the aggregation form <c>{ $slice: ["$embedding", 1] }</c>, a computed
    /// field, which would make the projection an inclusion of the embedding alone.
    /// </summary>
    public static ProjectionDefinition<AnomalyEvent, AnomalyEvent> ListedWithoutEmbedding { get; } =
        new BsonDocument("embedding", new BsonDocument("$slice", 1));

    /// <summary>Highest score first, then anomaly_id.</summary>
    public static SortDefinition<AnomalyEvent> ListSort { get; } =
        Builders<AnomalyEvent>.Sort.Descending(a => a.Score).Ascending(a => a.AnomalyId);

    /// <summary>The anomaly, only while its status may move to <paramref name="target"/>.</summary>
    public static FilterDefinition<AnomalyEvent> CanMoveTo(string tenantId, string anomalyId, AnomalyStatus target)
        => ById(tenantId, anomalyId) & Filter.In(a => a.Status, AnomalyTransitions.AllowedFrom(target));

    public static UpdateDefinition<AnomalyEvent> SetStatus(AnomalyStatus status) => Update.Set(a => a.Status, status);

    public static UpdateDefinition<AnomalyEvent> LinkInvestigation(string? investigationId) => Update.Set(a => a.InvestigationId, investigationId);

    public static PipelineDefinition<AnomalyEvent, StatusCount<AnomalySeverity>> CountBySeverity(string tenantId, AnomalyQuery query)
        => new EmptyPipelineDefinition<AnomalyEvent>()
            .Match(List(tenantId, query))
            .Group(a => a.Severity, g => new StatusCount<AnomalySeverity> { Status = g.Key, Count = g.LongCount() });

    /// <summary>The pre-filter both similarity paths share: the tenant and the optional severity and detector.</summary>
    public static FilterDefinition<AnomalyEvent> SimilarityScope(string tenantId, SimilarityQuery query)
    {
        var filter = Filter.Eq(a => a.TenantId, tenantId);
        if (query.Severity is { } severity) filter &= Filter.Eq(a => a.Severity, severity);
        if (query.DetectorId is not null) filter &= Filter.Eq(a => a.DetectorId, query.DetectorId);
        return filter;
    }

    /// <summary>
    /// Atlas <c>$vectorSearch</c> on <paramref name="indexName"/> (cosine), per https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-stage/:
    /// the first stage of the pipeline; <c>numCandidates</c> from <see cref="CandidatesFor"/>; pre-filtered on the tenant
    /// (and severity, detector) with <c>$eq</c> inside <c>$and</c> — operators the pre-filter accepts, on fields the
    /// index declares as <c>filter</c> (…#atlas-vector-search-pre-filter). Asks one extra neighbour when an anomaly is
    /// to be excluded, so excluding it still leaves k. The score is read with <c>{$meta: "vectorSearchScore"}</c> and
    /// converted to cosine similarity (for cosine the score is (1 + cos) / 2, …#atlas-vector-search-score), then the
    /// minimum similarity and the exclusion apply. A query that asks for exact ranking (<c>exact: true</c>) is an ENN
    /// search of the same stage: <c>exact: true</c> and no <c>numCandidates</c> ("numCandidates: required if exact is
    /// false or omitted"; ENN "exhaustively searches all the indexed vector embeddings", …#fields and
    /// …#enn--exact-nearest-neighbor--search), with the same pre-filter.
    /// </summary>
    public static PipelineDefinition<AnomalyEvent, ScoredDocument<AnomalyEvent>> VectorSearch(string tenantId, SimilarityQuery query, string indexName)
    {
        var limit = query.K + (query.ExcludeAnomalyId is null ? 0 : 1);
        var options = new VectorSearchOptions<AnomalyEvent>
        {
            IndexName = indexName,
            NumberOfCandidates = query.Exact ? null : CandidatesFor(limit),
            Exact = query.Exact,
            Filter = SimilarityScope(tenantId, query),
        };
        return new EmptyPipelineDefinition<AnomalyEvent>()
            .VectorSearch(a => a.Embedding, new QueryVector(query.Vector), limit, options)
            // Builders cannot project $$ROOT next to a $meta value; this stage is the one literal.
            .Project<AnomalyEvent, AnomalyEvent, ScoredDocument<AnomalyEvent>>(new BsonDocument
            {
                { "_id", 0 },
                { ScoredDocument<AnomalyEvent>.DocumentField, "$$ROOT" },
                { ScoredDocument<AnomalyEvent>.ScoreField, CosineFromAtlasScore(new BsonDocument("$meta", "vectorSearchScore")) },
            })
            .Match(SimilarEnough(query))
            .Limit(query.K);
    }

    /// <summary>
    /// Exact cosine similarity where <c>$vectorSearch</c> is not available (community server, index missing), in plain
    /// aggregation (<c>$reduce</c> over <c>$zip</c>; <c>$sort</c> followed by <c>$limit</c> keeps only the top k in
    /// memory: https://www.mongodb.com/docs/manual/reference/operator/aggregation/sort/#sort-and-limit-memory-optimization):
    /// computed on the server over the tenant's anomalies whose embedding has the query's dimension, so only the top
    /// k documents cross the network (a client-side scan would pull every 384-float embedding of the tenant per
    /// query), and the top-k <c>$sort</c> + <c>$limit</c> keeps server memory bounded. Linear in the tenant's anomalies.
    /// </summary>
    public static PipelineDefinition<AnomalyEvent, ScoredDocument<AnomalyEvent>> ExactCosine(string tenantId, SimilarityQuery query)
        => new EmptyPipelineDefinition<AnomalyEvent>()
            .Match(SimilarityScope(tenantId, query) & Filter.Size(a => a.Embedding, query.Vector.Length))
            // $reduce over $zip (dot product and norm) has no builder; this stage is the one literal.
            .Project<AnomalyEvent, AnomalyEvent, ScoredDocument<AnomalyEvent>>(new BsonDocument
            {
                { "_id", 0 },
                { ScoredDocument<AnomalyEvent>.DocumentField, "$$ROOT" },
                { ScoredDocument<AnomalyEvent>.ScoreField, CosineSimilarity("$embedding", query.Vector) },
            })
            .Match(SimilarEnough(query))
            .Sort(Builders<ScoredDocument<AnomalyEvent>>.Sort.Descending(s => s.Score).Ascending(s => s.Document.AnomalyId))
            .Limit(query.K);

    /// <summary>
    /// <c>numCandidates</c> for a <c>$vectorSearch</c> returning <paramref name="limit"/> documents: twenty per result
    /// ("we recommend that you specify a number at least 20 times higher than the number of documents to return"),
    /// at least 100, and at most the 10,000 the stage accepts; never below <c>limit</c>, which it may not be
    /// (https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-stage/#fields). Callers keep limit ≤ 10,000.
    /// </summary>
    public static int CandidatesFor(int limit) => (int)Math.Clamp(CandidatesPerResult * (long)limit, 100L, MaxCandidates);

    public const int CandidatesPerResult = 20;

    /// <summary>The largest <c>numCandidates</c> (and so <c>limit</c>) <c>$vectorSearch</c> accepts.</summary>
    public const int MaxCandidates = 10_000;

    private static FilterDefinition<ScoredDocument<AnomalyEvent>> SimilarEnough(SimilarityQuery query)
    {
        var filter = ScoredFilter.Gte(s => s.Score, query.MinSimilarity);
        if (query.ExcludeAnomalyId is not null) filter &= ScoredFilter.Ne(s => s.Document.AnomalyId, query.ExcludeAnomalyId);
        return filter;
    }

    /// <summary>Atlas cosine score s = (1 + cos) / 2, so cos = 2s − 1.</summary>
    internal static BsonDocument CosineFromAtlasScore(BsonValue score)
        => new("$subtract", new BsonArray { new BsonDocument("$multiply", new BsonArray { 2, score }), 1 });

    /// <summary>
    /// dot(v, q) / (‖v‖ · ‖q‖), with ‖q‖ computed here; null (never similar enough) when the stored vector is zero.
    /// </summary>
    internal static BsonDocument CosineSimilarity(string embeddingPath, float[] query)
    {
        var queryNorm = Math.Sqrt(query.Sum(x => (double)x * x));
        var queryArray = new BsonArray(query.Select(x => (double)x));
        var dot = new BsonDocument("$reduce", new BsonDocument
        {
            { "input", new BsonDocument("$zip", new BsonDocument("inputs", new BsonArray { embeddingPath, queryArray })) },
            { "initialValue", 0.0 },
            { "in", new BsonDocument("$add", new BsonArray
                {
                    "$$value",
                    new BsonDocument("$multiply", new BsonArray
                    {
                        new BsonDocument("$arrayElemAt", new BsonArray { "$$this", 0 }),
                        new BsonDocument("$arrayElemAt", new BsonArray { "$$this", 1 }),
                    }),
                })
            },
        });
        var norm = new BsonDocument("$sqrt", new BsonDocument("$reduce", new BsonDocument
        {
            { "input", embeddingPath },
            { "initialValue", 0.0 },
            { "in", new BsonDocument("$add", new BsonArray { "$$value", new BsonDocument("$multiply", new BsonArray { "$$this", "$$this" }) }) },
        }));
        return new BsonDocument("$let", new BsonDocument
        {
            { "vars", new BsonDocument { { "dot", dot }, { "norm", norm } } },
            { "in", new BsonDocument("$cond", new BsonArray
                {
                    new BsonDocument("$eq", new BsonArray { "$$norm", 0 }),
                    BsonNull.Value,
                    new BsonDocument("$divide", new BsonArray { "$$dot", new BsonDocument("$multiply", new BsonArray { "$$norm", queryNorm }) }),
                })
            },
        });
    }
}
