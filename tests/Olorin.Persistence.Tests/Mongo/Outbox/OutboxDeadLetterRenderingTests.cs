using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Tests.Mongo.Rendering;

namespace Olorin.Persistence.Tests.Mongo.Outbox;

/// <summary>MongoDB's dead letters (entries whose key the other store refused) and the index-backed depth, rendered without a server.</summary>
public sealed class OutboxDeadLetterRenderingTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 3, 0, 0, DateTimeKind.Utc);

    private static BsonArray Pipeline(PipelineUpdateDefinition<BsonDocument> update)
        => new(update.Pipeline.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry)).Documents);

    [Fact]
    public void A_refusal_counts_an_attempt_and_dead_letters_the_entry_only_at_the_limit_and_when_no_write_touched_it()
        => Rendered.Equal(
            """
            [ { "$set": {
                  "attempts": { "$add": [ { "$ifNull": ["$attempts", 0] }, 1 ] },
                  "error": "detectors: refused",
                  "last_failed_at": { "$date": "2026-12-02T03:00:00Z" } } },
              { "$set": {
                  "lease_until": { "$cond": [ { "$and": [ { "$gte": ["$attempts", 5] }, { "$eq": ["$seq", { "$numberLong": "7" }] } ] },
                                              { "$date": "9999-12-31T00:00:00Z" }, { "$date": "1970-01-01T00:00:00Z" } ] },
                  "dead_lettered_at": { "$cond": [ { "$and": [ { "$gte": ["$attempts", 5] }, { "$eq": ["$seq", { "$numberLong": "7" }] } ] },
                                                   { "$date": "2026-12-02T03:00:00Z" }, "$$REMOVE" ] },
                  "lease_owner": "$$REMOVE" } } ]
            """,
            Pipeline(OutboxRendering.Refuse(7, "detectors: refused", 5, Now)));

    [Fact]
    public void With_a_back_off_a_refused_key_is_leased_until_its_delay_has_passed_doubling_per_attempt_up_to_the_maximum()
        => Rendered.Equal(
            """
            [ { "$set": {
                  "attempts": { "$add": [ { "$ifNull": ["$attempts", 0] }, 1 ] },
                  "error": "detectors: refused",
                  "last_failed_at": { "$date": "2026-12-02T03:00:00Z" } } },
              { "$set": {
                  "lease_until": { "$cond": [ { "$and": [ { "$gte": ["$attempts", 5] }, { "$eq": ["$seq", { "$numberLong": "7" }] } ] },
                                              { "$date": "9999-12-31T00:00:00Z" },
                                              { "$add": [ { "$date": "2026-12-02T03:00:00Z" },
                                                          { "$min": [ 60000.0, { "$multiply": [ 1000.0, { "$pow": [ 2, { "$subtract": [ { "$min": ["$attempts", 41] }, 1 ] } ] } ] } ] } ] } ] },
                  "dead_lettered_at": { "$cond": [ { "$and": [ { "$gte": ["$attempts", 5] }, { "$eq": ["$seq", { "$numberLong": "7" }] } ] },
                                                   { "$date": "2026-12-02T03:00:00Z" }, "$$REMOVE" ] },
                  "lease_owner": "$$REMOVE" } } ]
            """,
            Pipeline(OutboxRendering.Refuse(7, "detectors: refused", 5, Now, Olorin.Core.Phases.RefusalBackoff.Default)));

    [Fact]
    public void A_dead_letter_holds_a_lease_that_never_ends_so_no_claim_takes_it()
    {
        Rendered.Equal("""{ "lease_until": { "$lt": { "$date": "9999-12-31T00:00:00Z" } } }""", Rendered.Filter(OutboxRendering.Live()));
        Rendered.Equal("""{ "lease_until": { "$date": "9999-12-31T00:00:00Z" } }""", Rendered.Filter(OutboxRendering.Dead()));
        // The claim's lease test excludes it at any time before the year 9999.
        Rendered.Equal(
            """{ "lease_until": { "$lte": { "$date": "2026-12-02T03:00:00Z" } }, "$or": [ { "inflight": { "$lte": 0 } }, { "deadline": { "$lte": { "$date": "2026-12-02T03:00:00Z" } } } ] }""",
            Rendered.Filter(OutboxRendering.Claimable(Now)));
        Assert.True(OutboxRendering.DeadMark > Now.AddYears(7000));
    }

    [Fact]
    public void A_drain_also_claims_a_refused_key_waiting_out_its_back_off_but_no_running_lease_and_no_dead_letter()
        => Rendered.Equal(
            """{ "$and": [ { "$or": [ { "lease_until": { "$lte": { "$date": "2026-12-02T03:00:00Z" } } }, { "lease_until": { "$lt": { "$date": "9999-12-31T00:00:00Z" } }, "lease_owner": { "$exists": false } } ] }, { "$or": [ { "inflight": { "$lte": 0 } }, { "deadline": { "$lte": { "$date": "2026-12-02T03:00:00Z" } } } ] } ] }""",
            Rendered.Filter(OutboxRendering.Claimable(Now, includeWaiting: true)));

    [Fact]
    public void An_operator_retry_makes_dead_letters_claimable_at_once_with_attempts_from_zero()
        => Rendered.Equal(
            """{ "$set": { "lease_until": { "$date": "1970-01-01T00:00:00Z" }, "attempts": 0 }, "$unset": { "dead_lettered_at": 1 } }""",
            Rendered.Update(OutboxRendering.RetryDead()));

    [Fact]
    public void The_depth_counts_and_the_oldest_entry_are_hinted_onto_the_outbox_indexes()
    {
        // The counts' predicates use only lease_until, never null: the lease_until index covers them.
        var specs = OutboxRendering.Indexes.Select(i => i.ToSpec()["key"].AsBsonDocument).ToList();
        Assert.Contains(OutboxRendering.DepthHint, specs);
        Assert.Contains(OutboxRendering.OldestHint, specs);
        Assert.Equal("""{ "lease_until" : 1 }""", OutboxRendering.DepthHint.ToJson());
        Assert.Equal("""{ "changed_at" : 1 }""", OutboxRendering.OldestHint.ToJson());
        Assert.Equal(["lease_until"], Rendered.Filter(OutboxRendering.Live()).Names);
        Assert.Equal(["lease_until"], Rendered.Filter(OutboxRendering.Dead()).Names);
    }

    [Fact]
    public void A_duplicate_key_a_failed_validation_or_a_document_too_large_is_a_refusal_a_timeout_is_not()
    {
        Assert.NotNull(MongoChangeTransfer.RefusalOf(new FormatException("Size 17000000 is larger than MaxDocumentSize 16777216.")));
        Assert.Null(MongoChangeTransfer.RefusalOf(new TimeoutException("A timeout occurred after 30000ms selecting a server")));
        Assert.Null(MongoChangeTransfer.RefusalOf(new InvalidOperationException("other")));
    }
}
