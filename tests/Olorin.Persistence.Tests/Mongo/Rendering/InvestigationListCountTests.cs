using MongoDB.Bson;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>
/// The MongoDB half of "counting that does not scan" (issue #12): an unfiltered or status-filtered list counts every
/// document of the tenant (and status) on the equality prefix of a list index, which needs no document, minus the
/// tombstones counted through the partial index that holds only them. Rendered here; the server's choice of plan is
/// cited in <see cref="InvestigationFilters.ListCount"/>.
/// </summary>
public sealed class InvestigationListCountTests
{
    private static readonly IndexCatalog Catalog = IndexCatalog.For(new MongoSettings());

    [Fact]
    public void The_unfiltered_list_counts_the_tenant_then_its_tombstones()
    {
        var counted = InvestigationFilters.ListCount("t1", new InvestigationQuery())!;

        Rendered.Equal("""{ "tenant_id": "t1" }""", Rendered.Filter(counted.All));
        Rendered.Equal("""{ "tenant_id": "t1", "olorin_deleted_at": { "$exists": true } }""", Rendered.Filter(counted.Tombstones));
    }

    [Fact]
    public void The_status_filtered_list_counts_the_tenant_and_status_then_their_tombstones()
    {
        var counted = InvestigationFilters.ListCount("t1", new InvestigationQuery(InvestigationStatus.InProgress))!;

        Rendered.Equal("""{ "tenant_id": "t1", "status": "IN_PROGRESS" }""", Rendered.Filter(counted.All));
        Rendered.Equal("""{ "tenant_id": "t1", "status": "IN_PROGRESS", "olorin_deleted_at": { "$exists": true } }""", Rendered.Filter(counted.Tombstones));
    }

    [Fact]
    public void The_owner_and_id_substring_filters_still_count_their_matches()
    {
        Assert.Null(InvestigationFilters.ListCount("t1", new InvestigationQuery(UserId: "u1")));
        Assert.Null(InvestigationFilters.ListCount("t1", new InvestigationQuery(Search: "inv-1")));
        Assert.Null(InvestigationFilters.ListCount("t1", new InvestigationQuery(InvestigationStatus.InProgress, UserId: "u1")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(InvestigationStatus.Completed)]
    public void The_count_of_every_document_is_equalities_on_the_leading_keys_of_a_list_index(InvestigationStatus? status)
    {
        var fields = Rendered.Filter(InvestigationFilters.ListCount("t1", new InvestigationQuery(status))!.All).Names.ToList();

        // Only equality conditions, exactly the first keys of one regular index: the count walks one range of keys
        // and reads no document (a covered count).
        Assert.Contains(Catalog.IndexesOf("investigations"), i => i.PartialFilter is null && !i.IsText
            && i.Keys.ElementCount >= fields.Count && i.Keys.Names.Take(fields.Count).SequenceEqual(fields));
        Assert.DoesNotContain(PendingAudit.DeletedField, fields);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(InvestigationStatus.Completed)]
    public void The_tombstone_count_implies_the_partial_filter_of_the_index_that_holds_only_tombstones(InvestigationStatus? status)
    {
        var tombstones = Rendered.Filter(InvestigationFilters.ListCount("t1", new InvestigationQuery(status))!.Tombstones);
        var index = Catalog.IndexesOf("investigations").Single(i => i.PartialFilter is not null);

        Assert.Equal("tenant_id_1_status_1_tombstones", index.Name);
        // The partial filter appears verbatim among the query's conditions (so the query implies it), and the other
        // conditions are equalities on the index's leading keys.
        foreach (var condition in index.PartialFilter!)
            Assert.Equal(condition.Value, tombstones[condition.Name]);
        var equalities = tombstones.Names.Where(n => !index.PartialFilter.Contains(n)).ToList();
        Assert.Equal(equalities, index.Keys.Names.Take(equalities.Count));
    }

    [Fact]
    public void A_partial_index_and_a_full_one_on_the_same_keys_are_different_indexes()
    {
        var partial = Catalog.IndexesOf("investigations").Single(i => i.PartialFilter is not null);

        Assert.True(partial.IsSatisfiedBy(BsonDocument.Parse(
            """{ "v" : 2, "key" : { "tenant_id" : 1, "status" : 1 }, "name" : "other", "partialFilterExpression" : { "olorin_deleted_at" : { "$exists" : true } } }""")));
        Assert.False(partial.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : 1, "status" : 1 }, "name" : "tenant_id_1_status_1" }""")));
        Assert.False(Catalog.IndexesOf("investigations").First(i => i.PartialFilter is null && !i.IsText).IsSatisfiedBy(BsonDocument.Parse(
            """{ "v" : 2, "key" : { "tenant_id" : 1, "investigation_id" : 1 }, "name" : "x", "unique" : true, "partialFilterExpression" : { "status" : "CREATED" } }""")));
        Assert.Equal(
            """{ "olorin_deleted_at" : { "$exists" : true } }""",
            partial.ToCreateModel().Options.PartialFilterExpression!.Render(new MongoDB.Driver.RenderArgs<BsonDocument>(
                MongoDB.Bson.Serialization.BsonSerializer.LookupSerializer<BsonDocument>(), MongoDB.Bson.Serialization.BsonSerializer.SerializerRegistry)).ToJson());
    }
}
