using System.Linq.Expressions;
using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Tests.Mongo.Rendering;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>
/// Every upserting replace of the bulk transfer filters by equality on exactly the fields of a unique index of its
/// collection: the form in which the server retries an upsert that lost an insert race on that index ("Upsert with
/// Unique Index", https://www.mongodb.com/docs/manual/reference/method/db.collection.update/#upsert-with-unique-index),
/// and the form in which a retried batch replaces instead of duplicating.
/// </summary>
public sealed class UpsertFilterTests
{
    private static readonly IndexCatalog Catalog = IndexCatalog.For(new MongoSettings());

    public static TheoryData<string> Collections => new(UpsertFilters().Select(f => f.Collection));

    [Theory]
    [MemberData(nameof(Collections))]
    public void The_upsert_filter_is_equality_on_exactly_a_unique_index(string collection)
    {
        var filter = UpsertFilters().Single(f => f.Collection == collection).Filter;

        Assert.All(filter, e => Assert.False(e.Value is BsonDocument, $"{e.Name} is not a plain equality in {filter}"));
        Assert.Contains(Catalog.IndexesOf(collection),
            i => i.Unique && i.Keys.Names.Order(StringComparer.Ordinal).SequenceEqual(filter.Names.Order(StringComparer.Ordinal)));
    }

    private static IEnumerable<(string Collection, BsonDocument Filter)> UpsertFilters()
    {
        var key = new TenantKey("t1", "id-1");
        yield return ("investigations", Is<Investigation>(x => x.TenantId, x => x.InvestigationId, key));
        yield return ("detectors", Is<Detector>(x => x.TenantId, x => x.DetectorId, key));
        yield return ("detection_runs", Is<DetectionRun>(x => x.Metadata.TenantId, x => x.RunId, key));
        yield return ("anomaly_events", Is<AnomalyEvent>(x => x.TenantId, x => x.AnomalyId, key));
        yield return ("templates", Is<InvestigationTemplate>(x => x.TenantId, x => x.TemplateId, key));
        yield return ("composio_connections", Is<ComposioConnection>(x => x.TenantId, x => x.ConnectionId, key));
        yield return ("composio_action_audits", Is<ComposioActionAudit>(x => x.TenantId, x => x.AuditId, key));
        yield return ("soar_playbook_executions", Is<SoarPlaybookExecution>(x => x.TenantId, x => x.ExecutionId, key));
        yield return ("transaction_scores", Rendered.Filter(TransactionScoreFilters.Key(new TransactionScoreKey("t1", "inv-1", "tx-1"))));
    }

    private static BsonDocument Is<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, TenantKey key)
        => Rendered.Filter(KeyFilters.Is(tenant, id, key));
}
