using MongoDB.Bson;
using System.Net;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Health;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>
/// The wildcard <c>$text</c> index exists only where <c>$search</c> does not serve investigation search: decided from
/// the <c>investigations_search</c> verdict bootstrap already has (usable = queryable, not failed, definition fits).
/// </summary>
public sealed class TextIndexDecisionTests
{
    private static readonly IndexCatalog Catalog = IndexCatalog.For(new MongoSettings());
    private static RequiredSearchIndex Search => Catalog.SearchIndexes.Single(i => i.Name == IndexCatalog.InvestigationsSearchIndex);
    private static RequiredIndex Text => Catalog.IndexesOf("investigations").Single(i => i.IsText);

    private static SearchIndexVerdicts Listed(string status, bool queryable, BsonDocument? definition = null)
        => new([SearchIndexCheck.Judge(Search, new BsonDocument
        {
            { "name", IndexCatalog.InvestigationsSearchIndex }, { "type", "search" }, { "status", status }, { "queryable", queryable },
            { "latestDefinition", definition ?? Search.Definition },
        })]);

    [Fact]
    public void Only_the_text_index_depends_on_atlas_search()
    {
        Assert.Equal([Text], Catalog.Indexes.Where(i => i.UnlessAtlasSearchServes));
        Assert.DoesNotContain(Catalog.IndexesOf("investigations", atlasSearchServes: true), i => i.IsText);
        Assert.Contains(Catalog.IndexesOf("investigations", atlasSearchServes: false), i => i.IsText);
        Assert.Equal(Catalog.IndexesOf("investigations").Count() - 1, Catalog.IndexesOf("investigations", atlasSearchServes: true).Count());
    }

    [Fact]
    public void A_queryable_fitting_investigations_search_serves_so_no_text_index()
        => Assert.True(MongoBootstrapper.AtlasSearchServes(Catalog, Listed("READY", queryable: true)));

    [Theory]
    [InlineData("PENDING", false)]
    [InlineData("BUILDING", false)]
    [InlineData("FAILED", false)]
    [InlineData("FAILED", true)]
    public void A_search_index_still_building_or_failed_does_not_serve_so_the_text_index_stays(string status, bool queryable)
        => Assert.False(MongoBootstrapper.AtlasSearchServes(Catalog, Listed(status, queryable)));

    [Fact]
    public void The_old_runbooks_definition_without_a_tenant_token_does_not_serve()
    {
        var seed = BsonDocument.Parse("""{ "mappings" : { "dynamic" : true } }""");
        Assert.False(MongoBootstrapper.AtlasSearchServes(Catalog, Listed("READY", queryable: true, seed)));
    }

    [Fact]
    public void Community_servers_and_atlas_search_disabled_keep_the_text_index()
    {
        Assert.False(MongoBootstrapper.AtlasSearchServes(Catalog, SearchIndexVerdicts.None));
        var disabled = IndexCatalog.For(new MongoSettings { EnableAtlasSearch = false });
        Assert.False(MongoBootstrapper.AtlasSearchServes(disabled, Listed("READY", queryable: true)));
    }

    [Fact]
    public void After_a_switch_away_from_atlas_search_a_text_query_without_its_index_is_reported_unavailable()
    {
        // What the server answers a $text query on a collection without a text index (IndexNotFound).
        var missing = Answer("text index required for $text query");
        var otherIndexNotFound = Answer("index not found with name [x]");

        Assert.True(new MongoFailureClassifier().IsUnavailable(missing));
        Assert.False(new MongoFailureClassifier().IsUnavailable(otherIndexNotFound));
    }

    private static MongoCommandException Answer(string message)
        => new(new ConnectionId(new ServerId(new ClusterId(), new DnsEndPoint("localhost", 27017))), message,
            new BsonDocument("aggregate", "investigations"),
            new BsonDocument { { "ok", 0 }, { "errmsg", message }, { "code", 27 }, { "codeName", "IndexNotFound" } });
}
