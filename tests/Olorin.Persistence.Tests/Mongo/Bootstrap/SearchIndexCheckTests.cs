using MongoDB.Bson;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>
/// Search indexes are trusted by what <c>$listSearchIndexes</c> says about them (type, status, queryable,
/// latestDefinition), not by name: the old runbook's hand-made indexes and indexes still building are not used.
/// </summary>
public sealed class SearchIndexCheckTests
{
    private static readonly IndexCatalog Catalog = IndexCatalog.For(new MongoSettings());
    private static RequiredSearchIndex Vector => Catalog.SearchIndexes.Single(i => i.Feature == SearchFeature.VectorSearch);
    private static RequiredSearchIndex Search => Catalog.SearchIndexes.Single(i => i.Feature == SearchFeature.AtlasSearch);

    private static BsonDocument Listed(string name, string type, BsonDocument definition, string status = "READY", bool queryable = true) => new()
    {
        { "id", "6524096020da840844a4c4a7" }, { "name", name }, { "type", type }, { "status", status }, { "queryable", queryable },
        { "latestDefinitionVersion", new BsonDocument { { "version", 0 }, { "createdAt", DateTime.UtcNow } } },
        { "latestDefinition", definition },
    };

    [Fact]
    public void The_catalog_definitions_as_listed_when_ready_are_usable()
    {
        Assert.True(SearchIndexCheck.Judge(Vector, Listed("anomaly_vector_index", "vectorSearch", Vector.Definition)).Usable);
        Assert.True(SearchIndexCheck.Judge(Search, Listed("investigations_search", "search", Search.Definition)).Usable);
    }

    [Fact]
    public void A_missing_index_is_not_usable()
    {
        var verdict = SearchIndexCheck.Judge(Vector, listed: null);

        Assert.False(verdict.Usable);
        Assert.Contains("does not exist", verdict.Problem);
    }

    [Theory]
    [InlineData("PENDING", false)]
    [InlineData("BUILDING", false)]
    [InlineData("FAILED", false)]
    [InlineData("FAILED", true)]
    [InlineData("DELETING", true)]
    public void An_index_not_queryable_or_failed_is_not_used(string status, bool queryable)
    {
        var verdict = SearchIndexCheck.Judge(Vector, Listed("anomaly_vector_index", "vectorSearch", Vector.Definition, status, queryable));

        Assert.False(verdict.Usable);
        Assert.NotNull(verdict.Problem);
    }

    [Fact]
    public void A_stale_index_that_is_still_queryable_is_used()
        => Assert.True(SearchIndexCheck.Judge(Vector, Listed("anomaly_vector_index", "vectorSearch", Vector.Definition, "STALE")).Usable);

    [Fact]
    public void The_old_runbooks_knnVector_search_index_is_reported_with_what_to_change()
    {
        var knn = BsonDocument.Parse("""
            { "mappings": { "dynamic": false, "fields": {
                "embedding": { "type": "knnVector", "dimensions": 384, "similarity": "cosine" },
                "tenant_id": { "type": "token" }, "severity": { "type": "token" } } } }
            """);

        var verdict = SearchIndexCheck.Judge(Vector, Listed("anomaly_vector_index", "search", knn));

        Assert.False(verdict.Usable);
        Assert.Contains("'search' index, but $vectorSearch needs a 'vectorSearch' index", verdict.Problem);
        Assert.Contains("bootstrap-mongodb", verdict.Problem);
    }

    [Fact]
    public void A_768_dimension_index_without_filter_fields_is_reported_field_by_field()
    {
        var guide = BsonDocument.Parse("""{ "fields": [ { "type": "vector", "path": "embedding", "numDimensions": 768, "similarity": "euclidean" } ] }""");

        var verdict = SearchIndexCheck.Judge(Vector, Listed("anomaly_vector_index", "vectorSearch", guide));

        Assert.False(verdict.Usable);
        Assert.Equal(
        [
            "'embedding' has numDimensions 768 instead of 384",
            "'embedding' uses similarity euclidean instead of cosine",
            "'tenant_id' is not a filter field",
            "'severity' is not a filter field",
            "'detector_id' is not a filter field",
        ], verdict.DefinitionProblems);
    }

    [Fact]
    public void The_configuration_guides_investigations_search_lacks_the_tenant_token_and_object_findings()
    {
        var configurationGuide = BsonDocument.Parse("""
            { "mappings": { "dynamic": false, "fields": {
                "settings": { "type": "document", "fields": { "entity_value": { "type": "string", "analyzer": "lucene.standard" } } },
                "results": { "type": "document", "fields": {
                    "findings": { "type": "string", "analyzer": "lucene.standard" },
                    "summary": { "type": "string", "analyzer": "lucene.standard" } } } } } }
            """);

        var verdict = SearchIndexCheck.Judge(Search, Listed("investigations_search", "search", configurationGuide));

        Assert.False(verdict.Usable);
        Assert.Equal(
        [
            "'tenant_id' is not mapped as token (needed to filter the tenant with equals)",
            "'settings.name' is not indexed as string",
            "'settings.entities.entity_value' is not indexed as string",
            "'results.findings' is not indexed as a document",
        ], verdict.DefinitionProblems);
    }

    [Fact]
    public void A_dynamic_index_covers_the_text_paths_but_not_the_tenant_token()
    {
        var deploymentGuide = BsonDocument.Parse("""
            { "mappings": { "dynamic": true, "fields": { "investigation_id": { "type": "string" }, "status": { "type": "string" }, "settings": { "type": "document", "dynamic": true } } } }
            """);

        var verdict = SearchIndexCheck.Judge(Search, Listed("investigations_search", "search", deploymentGuide));

        Assert.Equal(["'tenant_id' is not mapped as token (needed to filter the tenant with equals)"], verdict.DefinitionProblems);
        var fixedUp = deploymentGuide.DeepClone().AsBsonDocument;
        fixedUp["mappings"]["fields"].AsBsonDocument.Add("tenant_id", new BsonArray { new BsonDocument("type", "token"), new BsonDocument("type", "string") });
        Assert.True(SearchIndexCheck.Judge(Search, Listed("investigations_search", "search", fixedUp)).Usable);
    }
}
