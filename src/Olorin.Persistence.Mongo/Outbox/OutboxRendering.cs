using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Bootstrap;

namespace Olorin.Persistence.Mongo.Outbox;

/// <summary>
/// The documents, filters and updates of MongoDB's changed-key outbox (<see cref="MongoChangeOutbox"/>), pure so that
/// tests render them. An entry is one document per changed key:
/// <code>{ _id: { collection, tenant_id, document_id }, seq, inflight, deadline, changed_at, lease_until, lease_owner }</code>
/// and, once the other store refused the key, <c>attempts</c>, <c>error</c>, <c>last_failed_at</c> (and
/// <c>dead_lettered_at</c> with <c>lease_until</c> = <see cref="DeadMark"/> for a dead letter).
/// Every write to an entry is a single-document write, atomic on its own
/// (https://www.mongodb.com/docs/manual/core/write-operations-atomicity/), and the operators used (<c>$inc</c>,
/// <c>$max</c>, upserts with <c>$setOnInsert</c>, pipeline updates) never need a transaction.
/// </summary>
public static class OutboxRendering
{
    public const string CollectionName = "change_outbox";
    public const string CaptureCollectionName = "change_capture";
    public const string CaptureId = "capture";

    /// <summary>A lease or deadline that is always past: set on entries nobody holds.</summary>
    public static readonly DateTime Never = DateTime.UnixEpoch;

    /// <summary>
    /// The lease of a dead letter: a lease that never ends, so no claim (<see cref="Claimable"/>: <c>lease_until</c>
    /// ≤ now) takes it, and the one <c>lease_until</c> index tells live entries (below it) from dead letters (equal).
    /// </summary>
    public static readonly DateTime DeadMark = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static FilterDefinitionBuilder<BsonDocument> F => Builders<BsonDocument>.Filter;
    private static UpdateDefinitionBuilder<BsonDocument> U => Builders<BsonDocument>.Update;

    /// <summary>The entry's _id: the key as a sub-document, fields always in this order (sub-document equality is order-sensitive).</summary>
    public static BsonDocument IdOf(ChangeKey key) => new()
    {
        { "collection", key.Collection },
        { "tenant_id", key.TenantId },
        { "document_id", key.Id },
    };

    public static ChangeKey KeyOf(BsonDocument entry)
    {
        var id = entry["_id"].AsBsonDocument;
        return new ChangeKey(id["collection"].AsString, id["tenant_id"].AsString, id["document_id"].AsString);
    }

    public static FilterDefinition<BsonDocument> ById(ChangeKey key) => F.Eq("_id", IdOf(key));

    /// <summary>
    /// Before a write: bump the sequence, count one more write in flight and push the deadline to at least
    /// <paramref name="deadline"/> (<c>$max</c> ignores a missing field:
    /// https://www.mongodb.com/docs/manual/reference/operator/aggregation/max/); a new entry starts unleased. Upsert on
    /// <c>_id</c> equality (<c>_id</c> is always unique). A pipeline update
    /// (https://www.mongodb.com/docs/manual/tutorial/update-documents-with-aggregation-pipeline/), so a dead letter's
    /// lease goes back to <see cref="Never"/> here already, as in <see cref="Touch"/>: a writer dying before its touch
    /// must not leave its write behind a dead letter; another relay's running lease stays.
    /// </summary>
    public static PipelineUpdateDefinition<BsonDocument> Intent(DateTime now, DateTime deadline) => Pipeline(
    [
        new("$set", new BsonDocument
        {
            { "seq", new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$seq", 0L }), 1L }) },
            { "inflight", new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$inflight", 0 }), 1 }) },
            { "deadline", new BsonDocument("$max", new BsonArray { "$deadline", deadline }) },
            { "changed_at", new BsonDocument("$ifNull", new BsonArray { "$changed_at", now }) },
            { "lease_until", UndeadLease },
            { "dead_lettered_at", "$$REMOVE" },
        }),
    ]);

    /// <summary>
    /// After the write is acknowledged (or failed): bump the sequence again and count one write less in flight, never
    /// below zero (a pipeline update, https://www.mongodb.com/docs/manual/tutorial/update-documents-with-aggregation-pipeline/,
    /// since <c>$inc</c> cannot floor). Upserted: when a relay removed the entry meanwhile (the write was slower than
    /// its deadline), the touch re-creates it, so the write is relayed again.
    /// </summary>
    public static PipelineUpdateDefinition<BsonDocument> Touch(DateTime now) => Pipeline(
    [
        new("$set", new BsonDocument
        {
            { "seq", new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$seq", 0L }), 1L }) },
            { "inflight", new BsonDocument("$max", new BsonArray { 0, new BsonDocument("$subtract", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$inflight", 0 }), 1 }) }) },
            { "deadline", new BsonDocument("$ifNull", new BsonArray { "$deadline", Never }) },
            { "changed_at", new BsonDocument("$ifNull", new BsonArray { "$changed_at", now }) },
            // A write of a dead letter's key gives the relay one more try (the new state may be acceptable).
            { "lease_until", UndeadLease },
            { "dead_lettered_at", "$$REMOVE" },
        }),
    ]);

    /// <summary>A dead letter's lease back to <see cref="Never"/>, a missing one <see cref="Never"/>, any other kept.</summary>
    private static BsonDocument UndeadLease => new("$cond", new BsonArray
    {
        new BsonDocument("$eq", new BsonArray { "$lease_until", DeadMark }), Never,
        new BsonDocument("$ifNull", new BsonArray { "$lease_until", Never }),
    });

    /// <summary>
    /// <see cref="IChangeOutbox.RecordAsync"/>: a change already written (the backfill's keys), so nothing in flight:
    /// a bump of the sequence (a relay holding the entry keeps it) and a new entry unleased and due.
    /// </summary>
    public static UpdateDefinition<BsonDocument> Record(DateTime now) => U
        .Inc("seq", 1L)
        .SetOnInsert("inflight", 0)
        .SetOnInsert("deadline", Never)
        .SetOnInsert("changed_at", now)
        .SetOnInsert("lease_until", Never);

    /// <summary>
    /// Entries a relay may take: nobody's lease is running, and no write is in flight — or the deadline passed (the
    /// writer died between its write and its touch; the relay then copies whatever the primary holds).
    /// </summary>
    /// <remarks>
    /// <paramref name="includeWaiting"/> (a drain, which must end with an empty outbox: <see cref="RefusalBackoff.None"/>)
    /// also takes a refused key still waiting out its back-off: <see cref="Refuse"/> leaves it with a future
    /// <c>lease_until</c> below <see cref="DeadMark"/> and no <c>lease_owner</c>, which a running relay's lease always has
    /// (<see cref="Lease"/>), so no live lease is taken over. <c>$exists: false</c> matches the documents without the
    /// field (https://www.mongodb.com/docs/manual/reference/operator/query/exists/).
    /// </remarks>
    public static FilterDefinition<BsonDocument> Claimable(DateTime now, bool includeWaiting = false)
    {
        var free = includeWaiting
            ? F.Lte("lease_until", now) | (F.Lt("lease_until", DeadMark) & F.Exists("lease_owner", false))
            : F.Lte("lease_until", now);
        return free & (F.Lte("inflight", 0) | F.Lte("deadline", now));
    }

    /// <summary>Lease the candidates that are still claimable (another relay may have taken some since they were read).</summary>
    public static FilterDefinition<BsonDocument> ClaimFilter(IEnumerable<BsonValue> ids, DateTime now, bool includeWaiting = false)
        => F.In("_id", ids) & Claimable(now, includeWaiting);

    public static UpdateDefinition<BsonDocument> Lease(string owner, DateTime until) => U.Set("lease_until", until).Set("lease_owner", owner);

    public static FilterDefinition<BsonDocument> HeldBy(IEnumerable<BsonValue> ids, string owner) => F.In("_id", ids) & F.Eq("lease_owner", owner);

    /// <summary>
    /// Removes an entry only when no write touched it since the claim read its sequence (a write that landed while the
    /// relay copied has bumped <c>seq</c>, so its entry stays and is relayed again), and only when no write is in
    /// flight on it: an intent that came between the lease and the sequence read may belong to a write the relay did
    /// not see, whose writer may die before its touch; the entry then stays until the touch or the deadline.
    /// </summary>
    public static FilterDefinition<BsonDocument> Remove(BsonValue id, long claimedSeq, string owner, DateTime now)
        => F.Eq("_id", id) & F.Eq("seq", claimedSeq) & F.Eq("lease_owner", owner) & (F.Lte("inflight", 0) | F.Lte("deadline", now));

    /// <summary>
    /// A key the other store refused, on the entry this relay holds: one attempt more with the error, and then either
    /// claimable again at once or — at <paramref name="maxAttempts"/> attempts, and only when no write touched the
    /// entry since the claim read <paramref name="claimedSeq"/> (a newer state deserves its own try) — a dead letter:
    /// <c>lease_until</c> = <see cref="DeadMark"/>, <c>dead_lettered_at</c> set. A pipeline update, so the second
    /// stage sees the incremented count (https://www.mongodb.com/docs/manual/tutorial/update-documents-with-aggregation-pipeline/);
    /// <c>$$REMOVE</c> drops a field (https://www.mongodb.com/docs/manual/reference/aggregation-variables/#mongodb-variable-variable.REMOVE).
    /// </summary>
    /// <remarks>
    /// With a <paramref name="backoff"/>, a refused key that is not dead becomes claimable only when its delay has
    /// passed (<see cref="RefusalBackoff"/>: <c>First</c> ms after the first refusal, doubling, at most <c>Max</c>):
    /// <c>lease_until</c> = now + that delay (<see cref="RefusalBackoff.RetryAt"/>: <paramref name="now"/> is the relay
    /// clock's reading when the batch settles, after the apply, as in PostgreSQL), computed from the incremented
    /// <c>attempts</c> in the pipeline (<c>$add</c> of a
    /// date and a number adds milliseconds, https://www.mongodb.com/docs/manual/reference/operator/aggregation/add/;
    /// <c>$pow</c>, https://www.mongodb.com/docs/manual/reference/operator/aggregation/pow/; <c>$min</c> of numbers,
    /// https://www.mongodb.com/docs/manual/reference/operator/aggregation/min/). The claim skips it (<see cref="Claimable"/>:
    /// <c>lease_until</c> ≤ now) and takes every other entry; a write of the key meanwhile keeps that lease
    /// (<see cref="Intent"/> and <see cref="Touch"/> only undo a dead letter's), so the key waits out its delay.
    /// </remarks>
    public static PipelineUpdateDefinition<BsonDocument> Refuse(long claimedSeq, string error, int maxAttempts, DateTime now, RefusalBackoff? backoff = null)
    {
        var retryAt = backoff is null || backoff.First <= TimeSpan.Zero
            ? (BsonValue)Never
            : new BsonDocument("$add", new BsonArray
            {
                now,
                new BsonDocument("$min", new BsonArray
                {
                    backoff.Max.TotalMilliseconds,
                    new BsonDocument("$multiply", new BsonArray
                    {
                        backoff.First.TotalMilliseconds,
                        new BsonDocument("$pow", new BsonArray { 2, new BsonDocument("$subtract", new BsonArray { new BsonDocument("$min", new BsonArray { "$attempts", 41 }), 1 }) }),
                    }),
                }),
            });
        var dead = new BsonDocument("$and", new BsonArray
        {
            new BsonDocument("$gte", new BsonArray { "$attempts", maxAttempts }),
            new BsonDocument("$eq", new BsonArray { "$seq", claimedSeq }),
        });
        return Pipeline(
        [
            new("$set", new BsonDocument
            {
                { "attempts", new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$attempts", 0 }), 1 }) },
                { "error", error },
                { "last_failed_at", now },
            }),
            new("$set", new BsonDocument
            {
                { "lease_until", new BsonDocument("$cond", new BsonArray { dead, DeadMark, retryAt }) },
                { "dead_lettered_at", new BsonDocument("$cond", new BsonArray { dead, now, "$$REMOVE" }) },
                { "lease_owner", "$$REMOVE" },
            }),
        ]);
    }

    /// <summary>Entries that are not dead letters (the outbox's depth): a range of the <c>lease_until</c> index.</summary>
    public static FilterDefinition<BsonDocument> Live() => F.Lt("lease_until", DeadMark);

    /// <summary>Dead letters: an equality on the <c>lease_until</c> index.</summary>
    public static FilterDefinition<BsonDocument> Dead() => F.Eq("lease_until", DeadMark);

    /// <summary>An operator's retry: the dead letters become claimable at once, their attempts counted from zero.</summary>
    public static UpdateDefinition<BsonDocument> RetryDead() => U.Set("lease_until", Never).Set("attempts", 0).Unset("dead_lettered_at");

    /// <summary>
    /// The hint of the depth counts (<see cref="Live"/>, <see cref="Dead"/>): the <c>lease_until</c> index, whose keys
    /// alone answer them (a covered count: no document is read,
    /// https://www.mongodb.com/docs/manual/core/query-optimization/#covered-query; the predicates never test for null,
    /// which would need the documents). <c>countDocuments</c> takes a hint
    /// (https://www.mongodb.com/docs/manual/reference/method/db.collection.countDocuments/).
    /// </summary>
    public static readonly BsonDocument DepthHint = new("lease_until", 1);

    /// <summary>
    /// The hint of the oldest live entry: the <c>changed_at</c> index read in order, so the first live entry ends the
    /// scan (https://www.mongodb.com/docs/manual/tutorial/sort-results-with-indexes/); it reads past only the dead
    /// letters older than it (operators retry those).
    /// </summary>
    public static readonly BsonDocument OldestHint = new("changed_at", 1);

    /// <summary>Gives back what was not removed, claimable again at once.</summary>
    public static UpdateDefinition<BsonDocument> Release() => U.Set("lease_until", Never).Unset("lease_owner");

    /// <summary>The capture switch: sets <c>enabled</c>, and <c>changed_at</c> only when it changes (a pipeline update sees the old values).</summary>
    public static PipelineUpdateDefinition<BsonDocument> SetCapture(bool on, DateTime now) => Pipeline(
    [
        new("$set", new BsonDocument
        {
            { "changed_at", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$enabled", on }), "$changed_at", now }) },
            { "enabled", on },
        }),
    ]);

    private static PipelineUpdateDefinition<BsonDocument> Pipeline(BsonDocument[] stages)
        => new(PipelineDefinition<BsonDocument, BsonDocument>.Create(stages));

    /// <summary>
    /// The outbox's indexes besides <c>_id</c> (unique by itself: https://www.mongodb.com/docs/manual/core/indexes/index-types/#default-index,
    /// which serves the per-key intents, touches, removes and pending checks): <c>lease_until</c> serves the claim's
    /// range (unleased entries carry the epoch, so they come first), <c>changed_at</c> the oldest entry's age
    /// (a sort on an indexed field reads the index in order: https://www.mongodb.com/docs/manual/tutorial/sort-results-with-indexes/).
    /// </summary>
    public static IReadOnlyList<RequiredIndex> Indexes { get; } =
    [
        new(CollectionName, new BsonDocument("lease_until", 1)),
        new(CollectionName, new BsonDocument("changed_at", 1)),
    ];
}
