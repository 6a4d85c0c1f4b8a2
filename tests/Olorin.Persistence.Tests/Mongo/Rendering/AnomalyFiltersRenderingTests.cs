using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

public sealed class AnomalyFiltersRenderingTests
{
    [Fact]
    public void ById_and_List_with_every_option()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "anomaly_id": "a1" }""", Rendered.Filter(AnomalyFilters.ById("t1", "a1")));
        Rendered.Equal(
            """
            { "tenant_id": "t1", "run_id": "r1", "detector_id": "d1", "investigation_id": "i1", "severity": "critical",
              "status": "triaged", "score": { "$gte": 2.5 } }
            """,
            Rendered.Filter(AnomalyFilters.List("t1", new AnomalyQuery("r1", "d1", "i1", AnomalySeverity.Critical, AnomalyStatus.Triaged, 2.5))));
        Rendered.Equal("""{ "score": -1, "anomaly_id": 1 }""", Rendered.Sort(AnomalyFilters.ListSort));
    }

    [Fact]
    public void The_list_without_embeddings_reads_one_number_of_each_and_stores_nothing_of_what_it_found()
    {
        Rendered.Equal("""{ "embedding": { "$slice": 1 } }""", Rendered.Projection(AnomalyFilters.ListedWithoutEmbedding));
        // What a read found about the embedding it left out is never written back as a field.
        var document = MongoDB.Bson.BsonExtensionMethods.ToBsonDocument(new AnomalyEvent { AnomalyId = "a1", EmbeddingStored = true });
        Assert.False(document.Contains("embedding_stored"));
        Assert.False(document.Contains("has_embedding"));
        Assert.True(document.Contains("embedding"));
    }

    [Fact]
    public void Status_moves_forward_only_or_repeats()
    {
        Rendered.Equal("""{ "tenant_id": "t1", "anomaly_id": "a1", "status": { "$in": ["new", "triaged"] } }""",
            Rendered.Filter(AnomalyFilters.CanMoveTo("t1", "a1", AnomalyStatus.Triaged)));
        Rendered.Equal("""{ "tenant_id": "t1", "anomaly_id": "a1", "status": { "$in": ["new", "triaged", "closed"] } }""",
            Rendered.Filter(AnomalyFilters.CanMoveTo("t1", "a1", AnomalyStatus.Closed)));
        Rendered.Equal("""{ "tenant_id": "t1", "anomaly_id": "a1", "status": { "$in": ["new"] } }""",
            Rendered.Filter(AnomalyFilters.CanMoveTo("t1", "a1", AnomalyStatus.New)));
        Rendered.Equal("""{ "$set": { "status": "closed" } }""", Rendered.Update(AnomalyFilters.SetStatus(AnomalyStatus.Closed)));
    }

    [Fact]
    public void LinkInvestigation_sets_or_clears()
    {
        Rendered.Equal("""{ "$set": { "investigation_id": "i1" } }""", Rendered.Update(AnomalyFilters.LinkInvestigation("i1")));
        Rendered.Equal("""{ "$set": { "investigation_id": null } }""", Rendered.Update(AnomalyFilters.LinkInvestigation(null)));
    }

    [Fact]
    public void CountBySeverity_groups_the_matching_anomalies()
        => Rendered.Equal(
            """
            [
              { "$match": { "tenant_id": "t1", "status": "new" } },
              { "$group": { "_id": "$severity", "__agg0": { "$sum": 1 } } },
              { "$project": { "Status": "$_id", "Count": "$__agg0", "_id": 0 } }
            ]
            """,
            Rendered.Pipeline(AnomalyFilters.CountBySeverity("t1", new AnomalyQuery(Status: AnomalyStatus.New))));

    [Fact]
    public void VectorSearch_prefilters_the_tenant_and_converts_the_atlas_score_to_cosine()
        => Rendered.Equal(
            """
            [
              { "$vectorSearch": {
                  "path": "embedding", "limit": 4, "numCandidates": 100, "index": "anomaly_vector_index",
                  "filter": { "$and": [{ "tenant_id": { "$eq": "t1" } }, { "severity": { "$eq": "warn" } }, { "detector_id": { "$eq": "d1" } }] },
                  "queryVector": [1.0, 0.5] } },
              { "$project": { "_id": 0, "document": "$$ROOT", "score": { "$subtract": [{ "$multiply": [2, { "$meta": "vectorSearchScore" }] }, 1] } } },
              { "$match": { "score": { "$gte": 0.8 }, "document.anomaly_id": { "$ne": "a0" } } },
              { "$limit": 3 }
            ]
            """,
            Rendered.Pipeline(AnomalyFilters.VectorSearch("t1",
                new SimilarityQuery([1f, 0.5f], K: 3, MinSimilarity: 0.8, Severity: AnomalySeverity.Warn, DetectorId: "d1", ExcludeAnomalyId: "a0"),
                "anomaly_vector_index")));

    [Fact]
    public void VectorSearch_asks_twenty_candidates_per_result_above_one_hundred()
        => Rendered.Equal(
            """
            { "$vectorSearch": {
                "path": "embedding", "limit": 20, "numCandidates": 400, "index": "idx",
                "filter": { "tenant_id": { "$eq": "t1" } }, "queryVector": [1.0] } }
            """,
            Rendered.Pipeline(AnomalyFilters.VectorSearch("t1", new SimilarityQuery([1f], K: 20), "idx"))[0].AsBsonDocument);

    [Fact]
    public void VectorSearch_asked_for_exact_ranking_is_an_enn_search_without_candidates()
        => Rendered.Equal(
            """
            { "$vectorSearch": {
                "path": "embedding", "limit": 10, "index": "idx",
                "filter": { "tenant_id": { "$eq": "t1" } }, "exact": true, "queryVector": [1.0] } }
            """,
            Rendered.Pipeline(AnomalyFilters.VectorSearch("t1", new SimilarityQuery([1f], K: 10, Exact: true), "idx"))[0].AsBsonDocument);

    [Fact]
    public void ExactCosine_computes_dot_product_over_norms_on_the_server_and_keeps_the_top_k()
        => Rendered.Equal(
            """
            [
              { "$match": { "tenant_id": "t1", "embedding": { "$size": 2 } } },
              { "$project": { "_id": 0, "document": "$$ROOT", "score": { "$let": {
                  "vars": {
                    "dot": { "$reduce": {
                      "input": { "$zip": { "inputs": ["$embedding", [3.0, 4.0]] } },
                      "initialValue": 0.0,
                      "in": { "$add": ["$$value", { "$multiply": [{ "$arrayElemAt": ["$$this", 0] }, { "$arrayElemAt": ["$$this", 1] }] }] } } },
                    "norm": { "$sqrt": { "$reduce": {
                      "input": "$embedding", "initialValue": 0.0,
                      "in": { "$add": ["$$value", { "$multiply": ["$$this", "$$this"] }] } } } } },
                  "in": { "$cond": [{ "$eq": ["$$norm", 0] }, null, { "$divide": ["$$dot", { "$multiply": ["$$norm", 5.0] }] }] } } } } },
              { "$match": { "score": { "$gte": 0.4 } } },
              { "$sort": { "score": -1, "document.anomaly_id": 1 } },
              { "$limit": 10 }
            ]
            """,
            Rendered.Pipeline(AnomalyFilters.ExactCosine("t1", new SimilarityQuery([3f, 4f]))));
}
