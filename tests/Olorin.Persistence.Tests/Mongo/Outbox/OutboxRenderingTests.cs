using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Tests.Mongo.Rendering;

namespace Olorin.Persistence.Tests.Mongo.Outbox;

/// <summary>The write intents, touches, claims and seq-guarded removals of MongoDB's outbox, rendered without a server.</summary>
public sealed class OutboxRenderingTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc);
    private static readonly ChangeKey Key = new("transaction_scores", "t1", "i1/x1");

    private static BsonDocument Update(UpdateDefinition<BsonDocument> update) => Rendered.Update(update);

    private static BsonArray Pipeline(PipelineUpdateDefinition<BsonDocument> update)
        => new(update.Pipeline.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry)).Documents);

    [Fact]
    public void The_entry_id_is_the_key_as_a_sub_document_in_fixed_order_and_round_trips()
    {
        var id = OutboxRendering.IdOf(Key);
        Assert.Equal("""{ "collection" : "transaction_scores", "tenant_id" : "t1", "document_id" : "i1/x1" }""", id.ToJson());
        var entry = new BsonDocument { { "_id", id }, { "seq", 3L } };
        var back = BsonSerializer.Deserialize<BsonDocument>(entry.ToBson());
        Assert.Equal(Key, OutboxRendering.KeyOf(back));
        Rendered.Equal("""{ "_id": { "collection": "transaction_scores", "tenant_id": "t1", "document_id": "i1/x1" } }""",
            Rendered.Filter(OutboxRendering.ById(Key)));
    }

    [Fact]
    public void The_intent_bumps_seq_counts_a_write_in_flight_raises_the_deadline_and_revives_a_dead_letter()
        => Rendered.Equal(
            """
            [ { "$set": {
                "seq": { "$add": [ { "$ifNull": ["$seq", { "$numberLong": "0" }] }, { "$numberLong": "1" } ] },
                "inflight": { "$add": [ { "$ifNull": ["$inflight", 0] }, 1 ] },
                "deadline": { "$max": ["$deadline", { "$date": "2026-12-02T03:05:00Z" }] },
                "changed_at": { "$ifNull": ["$changed_at", { "$date": "2026-12-02T03:00:00Z" }] },
                "lease_until": { "$cond": [ { "$eq": ["$lease_until", { "$date": "9999-12-31T00:00:00Z" }] }, { "$date": "1970-01-01T00:00:00Z" },
                                            { "$ifNull": ["$lease_until", { "$date": "1970-01-01T00:00:00Z" }] } ] },
                "dead_lettered_at": "$$REMOVE" } } ]
            """,
            Pipeline(OutboxRendering.Intent(Now, Now + MongoChangeOutbox.IntentDeadline)));

    [Fact]
    public void The_touch_bumps_seq_and_floors_the_in_flight_count_at_zero_creating_the_entry_if_a_relay_removed_it()
        => Rendered.Equal(
            """
            [ { "$set": {
                "seq": { "$add": [ { "$ifNull": ["$seq", { "$numberLong": "0" }] }, { "$numberLong": "1" } ] },
                "inflight": { "$max": [0, { "$subtract": [ { "$ifNull": ["$inflight", 0] }, 1 ] } ] },
                "deadline": { "$ifNull": ["$deadline", { "$date": "1970-01-01T00:00:00Z" }] },
                "changed_at": { "$ifNull": ["$changed_at", { "$date": "2026-12-02T03:00:00Z" }] },
                "lease_until": { "$cond": [ { "$eq": ["$lease_until", { "$date": "9999-12-31T00:00:00Z" }] }, { "$date": "1970-01-01T00:00:00Z" },
                                            { "$ifNull": ["$lease_until", { "$date": "1970-01-01T00:00:00Z" }] } ] },
                "dead_lettered_at": "$$REMOVE" } } ]
            """,
            Pipeline(OutboxRendering.Touch(Now)));

    [Fact]
    public void A_recorded_key_is_due_at_once_and_bumps_seq()
        => Rendered.Equal(
            """
            { "$inc": { "seq": { "$numberLong": "1" } },
              "$setOnInsert": { "inflight": 0, "deadline": { "$date": "1970-01-01T00:00:00Z" }, "changed_at": { "$date": "2026-12-02T03:00:00Z" }, "lease_until": { "$date": "1970-01-01T00:00:00Z" } } }
            """,
            Update(OutboxRendering.Record(Now)));

    [Fact]
    public void Claimable_means_unleased_and_no_write_in_flight_or_past_its_deadline()
        => Rendered.Equal(
            """
            { "lease_until": { "$lte": { "$date": "2026-12-02T03:00:00Z" } },
              "$or": [ { "inflight": { "$lte": 0 } }, { "deadline": { "$lte": { "$date": "2026-12-02T03:00:00Z" } } } ] }
            """,
            Rendered.Filter(OutboxRendering.Claimable(Now)));

    [Fact]
    public void The_claim_leases_only_candidates_still_claimable_and_reads_back_by_owner()
    {
        BsonValue[] ids = [OutboxRendering.IdOf(Key)];
        var claim = Rendered.Filter(OutboxRendering.ClaimFilter(ids, Now));
        Assert.Equal(new BsonArray(ids), claim["_id"]["$in"].AsBsonArray);
        Assert.True(claim.Contains("lease_until") && claim.Contains("$or"));
        Rendered.Equal("""{ "$set": { "lease_until": { "$date": "2026-12-02T03:02:00Z" }, "lease_owner": "r1" } }""",
            Update(OutboxRendering.Lease("r1", Now + MongoChangeOutbox.LeaseDuration)));
        Rendered.Equal(
            """{ "_id": { "$in": [ { "collection": "transaction_scores", "tenant_id": "t1", "document_id": "i1/x1" } ] }, "lease_owner": "r1" }""",
            Rendered.Filter(OutboxRendering.HeldBy(ids, "r1")));
    }

    [Fact]
    public void Removal_is_guarded_by_the_sequence_read_at_the_claim_the_lease_owner_and_no_write_in_flight()
        => Rendered.Equal(
            """
            { "_id": { "collection": "transaction_scores", "tenant_id": "t1", "document_id": "i1/x1" },
              "seq": { "$numberLong": "4" }, "lease_owner": "r1",
              "$or": [ { "inflight": { "$lte": 0 } }, { "deadline": { "$lte": { "$date": "2026-12-02T10:00:00Z" } } } ] }
            """,
            Rendered.Filter(OutboxRendering.Remove(OutboxRendering.IdOf(Key), 4, "r1", new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc))));

    [Fact]
    public void Release_makes_entries_claimable_at_once()
        => Rendered.Equal("""{ "$set": { "lease_until": { "$date": "1970-01-01T00:00:00Z" } }, "$unset": { "lease_owner": 1 } }""",
            Update(OutboxRendering.Release()));

    [Fact]
    public void The_capture_switch_moves_changed_at_only_when_enabled_changes()
        => Rendered.Equal(
            """
            [ { "$set": {
                "changed_at": { "$cond": [ { "$eq": ["$enabled", true] }, "$changed_at", { "$date": "2026-12-02T03:00:00Z" } ] },
                "enabled": true } } ]
            """,
            Pipeline(OutboxRendering.SetCapture(true, Now)));

    [Fact]
    public void The_outbox_indexes_serve_the_claim_and_the_oldest_entry()
    {
        Assert.Equal(
            [
                """{ "key" : { "lease_until" : 1 }, "name" : "lease_until_1" }""",
                """{ "key" : { "changed_at" : 1 }, "name" : "changed_at_1" }""",
            ],
            OutboxRendering.Indexes.Select(i => i.ToSpec().ToJson()));
        Assert.All(OutboxRendering.Indexes, i => Assert.Equal(OutboxRendering.CollectionName, i.Collection));
    }
}
