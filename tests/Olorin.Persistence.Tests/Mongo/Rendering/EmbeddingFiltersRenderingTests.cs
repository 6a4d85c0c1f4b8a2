using System.Text.Json.Nodes;
using MongoDB.Bson;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Tests.Mongo.Mapping;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>The embedding worker's and backfill's queries, and semantic investigation search, as the driver sends them.</summary>
public sealed class EmbeddingFiltersRenderingTests
{
    private const string Missing = """{ "$or" : [{ "embedding" : { "$exists" : false } }, { "embedding" : { "$type" : 10 } }, { "embedding" : { "$size" : 0 } }] }""";

    [Fact]
    public void Documents_without_an_embedding_are_absent_null_or_empty_and_resume_after_a_tenant_and_id()
    {
        Rendered.Equal(Missing, Rendered.Filter(EmbeddingFilters.AnomaliesWithout(null, null)));
        Rendered.Equal(
            $$"""
            { "$and" : [{{Missing}}, { "tenant_id" : "t" },
              { "$or" : [{ "tenant_id" : { "$gt" : "t" } }, { "tenant_id" : "t", "anomaly_id" : { "$gt" : "a-9" } }] }] }
            """,
            Rendered.Filter(EmbeddingFilters.AnomaliesWithout("t", new TenantKey("t", "a-9"))));
        Rendered.Equal("""{ "tenant_id" : 1, "investigation_id" : 1 }""", Rendered.Sort(EmbeddingFilters.InvestigationKeyOrder));
    }

    [Fact]
    public void An_investigation_embedding_is_written_only_at_the_version_it_was_computed_from_and_only_when_missing()
    {
        var filter = Rendered.Filter(EmbeddingFilters.InvestigationStillWithout("t", "inv-1", 3));

        Assert.Equal("t", filter["tenant_id"].AsString);
        Assert.Equal("inv-1", filter["investigation_id"].AsString);
        Assert.Equal(3, filter["version"].AsInt32);
        Rendered.Equal(Missing, new BsonDocument("$or", filter["$or"]));
        var update = Rendered.Update(EmbeddingFilters.SetEmbedding<Investigation>(i => i.Embedding, [0.5f, 0.25f]));
        Rendered.Equal("""{ "$set" : { "embedding" : [0.5, 0.25] } }""", update);
    }

    [Fact]
    public void A_settings_or_results_patch_empties_the_embedding_and_a_status_patch_does_not()
    {
        var settings = Rendered.Update(InvestigationFilters.Patch(new InvestigationPatch(Settings: new JsonObject { ["name"] = "n" }), SampleDocuments.T0));
        var status = Rendered.Update(InvestigationFilters.Patch(new InvestigationPatch(Status: InvestigationStatus.Completed), SampleDocuments.T0));

        Assert.Equal(new BsonArray(), settings["$set"]["embedding"].AsBsonArray);
        Assert.False(status["$set"].AsBsonDocument.Contains("embedding"));
    }

    [Fact]
    public void Semantic_search_through_the_vector_index_converts_the_atlas_score_to_cosine_and_pages()
    {
        var pipeline = Rendered.Pipeline(InvestigationVectorFilters.VectorSearch("t", [1f, 0f], 0.4, skip: 20, take: 10, IndexCatalog.InvestigationsVectorIndex));

        Rendered.Equal(
            """
            [{ "$vectorSearch" : { "path" : "embedding", "limit" : 30, "numCandidates" : 600,
                 "index" : "investigations_vector", "filter" : { "tenant_id" : { "$eq" : "t" } }, "queryVector" : [1.0, 0.0] } },
             { "$project" : { "_id" : 0, "document" : "$$ROOT",
                 "score" : { "$subtract" : [{ "$multiply" : [2, { "$meta" : "vectorSearchScore" }] }, 1] } } },
             { "$match" : { "score" : { "$gte" : 0.4 } } },
             { "$skip" : 20 },
             { "$limit" : 10 }]
            """,
            pipeline);
    }

    [Fact]
    public void Exact_semantic_search_ranks_the_tenants_embedded_investigations_by_cosine_and_counts_them()
    {
        var page = Rendered.Pipeline(InvestigationVectorFilters.ExactCosine("t", [1f, 0f], -0.5, skip: 0, take: 5));
        var count = Rendered.Pipeline(InvestigationVectorFilters.ExactCount("t", [1f, 0f], -0.5));

        Rendered.Equal("""{ "tenant_id" : "t", "embedding" : { "$size" : 2 } }""", page[0]["$match"].AsBsonDocument);
        Assert.Equal("$embedding", page[1]["$project"]["score"]["$let"]["vars"]["norm"]["$sqrt"]["$reduce"]["input"].AsString);
        Rendered.Equal("""{ "score" : { "$gte" : -0.5 } }""", page[2]["$match"].AsBsonDocument);
        Rendered.Equal("""{ "score" : -1, "document.investigation_id" : 1 }""", page[3]["$sort"].AsBsonDocument);
        Rendered.Equal("""{ "$limit" : 5 }""", page[^1].AsBsonDocument);
        Assert.Equal(page[2], count[2]);
        Rendered.Equal("""{ "$count" : "count" }""", count[^1].AsBsonDocument);
    }
}
