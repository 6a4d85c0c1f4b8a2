using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Models;
using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Tests.Mongo.Rendering;
using static Olorin.Persistence.Mongo.Outbox.MongoChangeTransfer;

namespace Olorin.Persistence.Tests.Mongo.Outbox;

/// <summary>What <see cref="MongoChangeTransfer"/> sends, rendered without a server.</summary>
public sealed class MongoChangeTransferRenderingTests
{
    private static MongoChangeCollection Of(string name) => MongoChangeCollections.Of(name);

    private static readonly DateTime At = new(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Every_collection_of_the_migration_tools_is_bound_with_its_unique_key_fields()
    {
        Assert.Equal(Olorin.Persistence.Mongo.MongoCollectionNames.All.Order(), MongoChangeCollections.ByName.Keys.Order());
        Assert.Equal(["investigation_id", "transaction_id"], Of("transaction_scores").IdFields);
        Assert.Equal("metadata.tenant_id", Of("detection_runs").TenantField);
        Assert.Equal("metadata.tenant_id", Of("audit_log").TenantField);
        Assert.Equal("version", Of("investigations").OrderingField);
        Assert.Equal("updated_at", Of("templates").OrderingField);
        Assert.Null(Of("anomaly_events").OrderingField);
    }

    [Theory]
    [InlineData("investigations", ChangeWriteMode.Relay, false, WriteKind.Replace)]
    [InlineData("investigations", ChangeWriteMode.KeepNewer, false, WriteKind.ReplaceOlder)]
    [InlineData("templates", ChangeWriteMode.KeepNewer, false, WriteKind.ReplaceOlder)]
    [InlineData("detectors", ChangeWriteMode.KeepNewer, false, WriteKind.ReplaceOlder)]
    [InlineData("composio_connections", ChangeWriteMode.KeepNewer, false, WriteKind.ReplaceOlder)]
    [InlineData("anomaly_events", ChangeWriteMode.KeepNewer, false, WriteKind.InsertNew)]
    [InlineData("transaction_scores", ChangeWriteMode.KeepNewer, false, WriteKind.InsertNew)]
    [InlineData("detection_runs", ChangeWriteMode.KeepNewer, false, WriteKind.InsertNew)]
    [InlineData("detection_runs", ChangeWriteMode.KeepNewer, true, WriteKind.InsertMissing)]
    [InlineData("detection_runs", ChangeWriteMode.Relay, true, WriteKind.DeleteThenInsert)]
    [InlineData("audit_log", ChangeWriteMode.Relay, true, WriteKind.DeleteThenInsert)]
    [InlineData("audit_log", ChangeWriteMode.KeepNewer, true, WriteKind.InsertMissing)]
    [InlineData("audit_log", ChangeWriteMode.Relay, false, WriteKind.Replace)]
    [InlineData("audit_log", ChangeWriteMode.KeepNewer, false, WriteKind.InsertMissing)]
    public void Write_kind_by_collection_mode_and_kind_of_collection(string collection, ChangeWriteMode mode, bool timeSeries, WriteKind expected)
        => Assert.Equal(expected, KindOf(Of(collection), mode, timeSeries));

    [Fact]
    public void Relay_is_an_upserting_replace_filtered_by_key_equality_only()
    {
        var binding = Of("investigations");
        var document = ToBson(binding, [new Investigation { TenantId = "t1", InvestigationId = "i1", Version = 3 }]).Values.Single();
        var model = Assert.IsType<ReplaceOneModel<BsonDocument>>(Assert.Single(WritesFor(binding, WriteKind.Replace, [document])));
        Assert.True(model.IsUpsert);
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1" }""", Rendered.Filter(model.Filter));
        Assert.Same(document, model.Replacement);
    }

    [Fact]
    public void Keep_newer_adds_the_version_guard_to_the_upsert_filter()
    {
        var binding = Of("investigations");
        var document = ToBson(binding, [new Investigation { TenantId = "t1", InvestigationId = "i1", Version = 7 }]).Values.Single();
        var model = Assert.IsType<ReplaceOneModel<BsonDocument>>(Assert.Single(WritesFor(binding, WriteKind.ReplaceOlder, [document])));
        Assert.True(model.IsUpsert);
        Rendered.Equal("""{ "tenant_id": "t1", "investigation_id": "i1", "version": { "$lte": 7 } }""", Rendered.Filter(model.Filter));
    }

    [Fact]
    public void Keep_newer_on_templates_compares_updated_at_as_a_date()
    {
        var binding = Of("templates");
        var document = ToBson(binding, [new InvestigationTemplate { TenantId = "t1", TemplateId = "tp1", UpdatedAt = At }]).Values.Single();
        var model = Assert.IsType<ReplaceOneModel<BsonDocument>>(Assert.Single(WritesFor(binding, WriteKind.ReplaceOlder, [document])));
        Rendered.Equal("""{ "tenant_id": "t1", "template_id": "tp1", "updated_at": { "$lte": { "$date": "2026-12-02T03:00:00Z" } } }""", Rendered.Filter(model.Filter));
    }

    [Fact]
    public void Insert_only_where_nothing_orders_writes()
    {
        var binding = Of("anomaly_events");
        var document = ToBson(binding, [new AnomalyEvent { TenantId = "t1", AnomalyId = "a1" }]).Values.Single();
        var model = Assert.IsType<InsertOneModel<BsonDocument>>(Assert.Single(WritesFor(binding, WriteKind.InsertNew, [document])));
        Assert.Same(document, model.Document);
        Assert.Throws<ArgumentOutOfRangeException>(() => WritesFor(binding, WriteKind.DeleteThenInsert, [document]));
    }

    [Fact]
    public void The_last_document_per_key_wins_and_keys_come_from_the_stored_fields()
    {
        var binding = Of("transaction_scores");
        var unique = ToBson(binding,
        [
            new TransactionScore { TenantId = "t1", InvestigationId = "i1", TransactionId = "x1", RiskScore = 0.1 },
            new TransactionScore { TenantId = "t1", InvestigationId = "i1", TransactionId = "x1", RiskScore = 0.9 },
            new TransactionScore { TenantId = "t1", InvestigationId = "i1", TransactionId = "x2", RiskScore = 0.5 },
        ]);
        Assert.Equal(2, unique.Count);
        Assert.Equal(0.9, unique[new ChangeKey("transaction_scores", "t1", "i1/x1")]["risk_score"].AsDouble);
    }

    [Fact]
    public void A_unique_swap_puts_back_the_stored_copy_of_each_key_whose_new_document_was_refused()
    {
        var binding = Of("anomaly_events");
        static BsonDocument Doc(string id, string state) => new() { { "tenant_id", "t1" }, { "anomaly_id", id }, { "state", state } };
        List<BsonDocument> swapping = [Doc("a1", "new"), Doc("a2", "new"), Doc("a3", "new")];

        var refused = Refused(swapping, [2, 0, 2]);
        Assert.Equal(["a1", "a3"], refused.Select(d => d["anomaly_id"].AsString));

        // a2's insert went through (its stored copy stays replaced); a3 was never stored: only a1 is put back.
        var restored = Assert.Single(Restores(binding, refused, [Doc("a2", "old"), Doc("a1", "old")]));
        Assert.Equal(("a1", "old"), (restored["anomaly_id"].AsString, restored["state"].AsString));
        Assert.Empty(Restores(binding, [], [Doc("a1", "old")]));
    }

    [Fact]
    public void Keys_of_one_tenant_are_one_in_clause_on_the_unique_index()
        => Rendered.Equal("""{ "tenant_id": "t1", "anomaly_id": { "$in": ["a1", "a2"] } }""",
            Rendered.Filter(KeysFilter(Of("anomaly_events"), [new("anomaly_events", "t1", "a2"), new("anomaly_events", "t1", "a1")])));

    [Fact]
    public void Keys_of_several_tenants_and_investigations_are_an_or_of_index_prefixes()
        => Rendered.Equal(
            """
            { "$or": [
                { "tenant_id": "t1", "investigation_id": "i1", "transaction_id": { "$in": ["x1", "x2"] } },
                { "tenant_id": "t1", "investigation_id": "i2", "transaction_id": "x1" },
                { "tenant_id": "t2", "investigation_id": "i1", "transaction_id": "x9" } ] }
            """,
            Rendered.Filter(KeysFilter(Of("transaction_scores"),
            [
                new("transaction_scores", "t2", "i1/x9"), new("transaction_scores", "t1", "i1/x2"),
                new("transaction_scores", "t1", "i2/x1"), new("transaction_scores", "t1", "i1/x1"),
            ])));

    [Fact]
    public void Time_series_and_detection_run_keys_name_the_tenant_under_metadata()
    {
        Rendered.Equal("""{ "metadata.tenant_id": "t1", "entry_id": "e1" }""",
            Rendered.Filter(KeyFilter(Of("audit_log"), new("audit_log", "t1", "e1"))));
        Rendered.Equal("""{ "metadata.tenant_id": "t1", "run_id": { "$in": ["r1", "r2"] } }""",
            Rendered.Filter(KeysFilter(Of("detection_runs"), [new("detection_runs", "t1", "r1"), new("detection_runs", "t1", "r2")])));
    }

    [Fact]
    public void A_document_round_trips_through_bson_to_the_model_the_relay_hands_over()
    {
        var binding = Of("audit_log");
        var entry = new AuditLogEntry { EntryId = "e1", Timestamp = At, Metadata = new AuditLogMetadata { TenantId = "t1", InvestigationId = "i1" } };
        var (key, bson) = ToBson(binding, [entry]).Single();
        Assert.Equal(new ChangeKey("audit_log", "t1", "e1"), key);
        var back = Assert.IsType<AuditLogEntry>(MongoDB.Bson.Serialization.BsonSerializer.Deserialize(bson, binding.ModelType));
        Assert.Equal("i1", back.Metadata.InvestigationId);
        Assert.Equal(At, back.Timestamp);
    }
}
