using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Outbox;

/// <summary>
/// MongoDB's changed-key outbox, for <c>mongo_primary</c> (MongoDB decides, PostgreSQL receives the write-back) and for
/// a start in <c>postgres</c>/<c>dual</c> that must drain what <c>mongo_primary</c> left.
///
/// Why write intents and not a transaction per write or a change stream: time-series collections take no
/// multi-document transaction ("You can't write to time series collections in transactions") and have no change
/// streams (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/), and the audit log is one. So
/// a writer records its keys in <c>change_outbox</c> BEFORE the write (<see cref="BeginAsync"/>: sequence bumped, one
/// more write in flight, a deadline) and touches them AFTER it (<see cref="EndAsync"/>: sequence bumped again, one
/// write less in flight). Each is a single-document atomic upsert. A relay takes an entry only when no write is in
/// flight or the deadline passed (the writer died between its write and its touch), leases it (several server
/// instances take disjoint entries), reads the sequence, copies the primary's current state, and removes the entry
/// only if the sequence is unchanged (<see cref="OutboxRendering.Remove"/>). Any acknowledged write W of a key
/// therefore either happened before the relay's read (the copy carries it) or is followed by a touch that bumps the
/// sequence after that read (the entry stays, or is re-created, and is relayed again); an entry with a write in flight is
/// not removed. Copies are cancelled <see cref="LeaseMargin"/> before the lease ends, so a relay that lost its lease
/// cannot overwrite a newer copy. Gaps left: a writer slower than its deadline that also dies before its touch (the
/// deadline, <see cref="IntentDeadline"/>, is far longer than the driver's operation timeouts), and instance clocks
/// apart by more than the margin.
/// </summary>
public sealed class MongoChangeOutbox(MongoContext context, MongoCapabilities capabilities, MongoSettings settings, TimeProvider clock) : IChangeOutbox
{
    /// <summary>How long a write may stay in flight before a relay copies its key anyway.</summary>
    public static readonly TimeSpan IntentDeadline = TimeSpan.FromMinutes(5);

    /// <summary>How long a relay holds its claim; longer than a batch takes (a batch reads and writes at most a few hundred keys).</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    /// <summary>How long before its lease ends a relay gives up its copies (leases are set by each instance's clock: the margin also covers clock skew between instances).</summary>
    public static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    private IMongoCollection<BsonDocument> Entries => context.Database.GetCollection<BsonDocument>(OutboxRendering.CollectionName);
    private IMongoCollection<BsonDocument> Switch => context.Database.GetCollection<BsonDocument>(OutboxRendering.CaptureCollectionName);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Creates the outbox's indexes (<see cref="OutboxRendering.Indexes"/>); creating an existing index is a no-op.</summary>
    public async Task EnsureIndexesAsync(CancellationToken cancellationToken = default)
    {
        foreach (var index in OutboxRendering.Indexes)
            await Entries.Indexes.CreateOneAsync(index.ToCreateModel(), cancellationToken: cancellationToken);
    }

    /// <summary>Before a write of <paramref name="keys"/>: the write intents (one unordered bulk of upserts).</summary>
    public Task BeginAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
        => UpsertEachAsync(keys, OutboxRendering.Intent(Now, Now + IntentDeadline), cancellationToken);

    /// <summary>After the write of <paramref name="keys"/> returned, whatever it answered.</summary>
    public Task EndAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
        => UpsertEachAsync(keys, OutboxRendering.Touch(Now), cancellationToken);

    public Task RecordAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
        => UpsertEachAsync(keys, OutboxRendering.Record(Now), cancellationToken);

    private async Task UpsertEachAsync(IReadOnlyCollection<ChangeKey> keys, UpdateDefinition<BsonDocument> update, CancellationToken cancellationToken)
    {
        if (keys.Count == 0) return;
        var models = keys.Distinct().Select(k => new UpdateOneModel<BsonDocument>(OutboxRendering.ById(k), update) { IsUpsert = true }).ToList();
        await Entries.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }

    public async Task<bool> IsCaptureOnAsync(CancellationToken cancellationToken = default)
    {
        var state = await Switch.Find(Builders<BsonDocument>.Filter.Eq("_id", OutboxRendering.CaptureId)).FirstOrDefaultAsync(cancellationToken);
        return state is not null && state.GetValue("enabled", false).ToBoolean();
    }

    public Task SetCaptureAsync(bool on, CancellationToken cancellationToken = default)
        => Switch.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", OutboxRendering.CaptureId), OutboxRendering.SetCapture(on, Now),
            new UpdateOptions { IsUpsert = true }, cancellationToken);

    /// <summary>Index-backed: two counts over the <c>lease_until</c> index and one read of the <c>changed_at</c> index (<see cref="OutboxRendering.DepthHint"/>, <see cref="OutboxRendering.OldestHint"/>).</summary>
    public async Task<OutboxDepth> DepthAsync(CancellationToken cancellationToken = default)
    {
        var count = await Entries.CountDocumentsAsync(OutboxRendering.Live(), new CountOptions { Hint = OutboxRendering.DepthHint }, cancellationToken);
        var dead = await Entries.CountDocumentsAsync(OutboxRendering.Dead(), new CountOptions { Hint = OutboxRendering.DepthHint }, cancellationToken);
        if (count == 0) return new OutboxDepth(0, null, dead);
        var oldest = await Entries.Find(OutboxRendering.Live(), new FindOptions { Hint = OutboxRendering.OldestHint })
            .Sort(Builders<BsonDocument>.Sort.Ascending("changed_at"))
            .Project(Builders<BsonDocument>.Projection.Include("changed_at").Exclude("_id")).Limit(1).FirstOrDefaultAsync(cancellationToken);
        DateTimeOffset? at = oldest?.GetValue("changed_at", BsonNull.Value) is BsonDateTime d ? new DateTimeOffset(d.ToUniversalTime(), TimeSpan.Zero) : null;
        return new OutboxDepth(count, at, dead);
    }

    public async Task<long> RetryDeadLettersAsync(CancellationToken cancellationToken = default)
        => (await Entries.UpdateManyAsync(OutboxRendering.Dead(), OutboxRendering.RetryDead(), cancellationToken: cancellationToken)).ModifiedCount;

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken cancellationToken = default)
    {
        var found = await Entries.Find(OutboxRendering.Dead(), new FindOptions { Hint = OutboxRendering.DepthHint })
            .Sort(Builders<BsonDocument>.Sort.Ascending("dead_lettered_at")).Limit(limit).ToListAsync(cancellationToken);
        return found.Select(e => new DeadLetter(OutboxRendering.KeyOf(e), e.GetValue("attempts", 0).ToInt32(), e.GetValue("error", "").AsString,
            new DateTimeOffset(e["changed_at"].ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(e.GetValue("dead_lettered_at", e["changed_at"]).ToUniversalTime(), TimeSpan.Zero))).ToList();
    }

    public async Task<bool> IsPendingAsync(string collection, string tenantId, string id, CancellationToken cancellationToken = default)
        => await Entries.Find(OutboxRendering.ById(new ChangeKey(collection, tenantId, id))).Limit(1).AnyAsync(cancellationToken);

    public async Task<RelayBatch> RelayAsync(int maxEntries, int maxAttempts, RefusalBackoff backoff, Func<ChangeSet, CancellationToken, Task> apply, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        var now = Now;
        var owner = Guid.NewGuid().ToString("N");
        // A drain (no back-off) takes the keys still waiting out a refusal's delay too: it must end with an empty outbox.
        var includeWaiting = !backoff.Waits;
        var candidates = await Entries.Find(OutboxRendering.Claimable(now, includeWaiting)).Project(Builders<BsonDocument>.Projection.Include("_id"))
            .Limit(maxEntries).ToListAsync(cancellationToken);
        if (candidates.Count == 0) return new RelayBatch(0, 0);
        var ids = candidates.Select(c => c["_id"]).ToList();
        await Entries.UpdateManyAsync(OutboxRendering.ClaimFilter(ids, now, includeWaiting), OutboxRendering.Lease(owner, now + LeaseDuration), cancellationToken: cancellationToken);
        // The sequences are read after the lease and before the primary's state: a write whose touch comes later changes them.
        var claimed = await Entries.Find(OutboxRendering.HeldBy(ids, owner)).ToListAsync(cancellationToken);
        if (claimed.Count == 0) return new RelayBatch(0, 0);

        // The copies must land while the lease holds: after it, another relay may take the keys and copy a newer state
        // that this relay's late write would then overwrite. The copies are cancelled well before the lease ends.
        using var leaseHeld = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        leaseHeld.CancelAfter(LeaseDuration - LeaseMargin);
        var refused = new Dictionary<ChangeKey, string>();
        try
        {
            var transfer = new MongoChangeTransfer(context, capabilities, settings);
            foreach (var group in claimed.Select(OutboxRendering.KeyOf).GroupBy(k => k.Collection, StringComparer.Ordinal))
            {
                var keys = group.ToList();
                var current = await transfer.ReadCurrentAsync(group.Key, keys, leaseHeld.Token);
                try
                {
                    await apply(new ChangeSet(group.Key, keys, current), leaseHeld.Token);
                }
                catch (ChangeRefusedException)
                {
                    // One document (or a few) the other store will not take: apply the keys one by one, so only those wait.
                    foreach (var key in keys)
                    {
                        var one = current.TryGetValue(key, out var document) ? new Dictionary<ChangeKey, object> { [key] = document } : [];
                        try
                        {
                            await apply(new ChangeSet(group.Key, [key], one), leaseHeld.Token);
                        }
                        catch (ChangeRefusedException e)
                        {
                            refused[key] = e.Message;
                        }
                    }
                }
            }
        }
        catch
        {
            await ReleaseAsync(ids, owner);
            throw;
        }

        // RefusalBackoff's reference instant: after the apply, on the relay's clock (the claim's "now" is the same clock).
        var removedAt = Now;
        var applied = claimed.Where(e => !refused.ContainsKey(OutboxRendering.KeyOf(e))).ToList();
        var writes = applied.Select(e => (WriteModel<BsonDocument>)new DeleteOneModel<BsonDocument>(OutboxRendering.Remove(e["_id"], e["seq"].ToInt64(), owner, removedAt)))
            .Concat(claimed.Where(e => refused.ContainsKey(OutboxRendering.KeyOf(e))).Select(e => new UpdateOneModel<BsonDocument>(
                OutboxRendering.HeldBy([e["_id"]], owner), OutboxRendering.Refuse(e["seq"].ToInt64(), refused[OutboxRendering.KeyOf(e)], maxAttempts, removedAt, backoff))))
            .ToList();
        var removed = await Entries.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        if (removed.DeletedCount < applied.Count) await ReleaseAsync(ids, owner);
        var deadLettered = claimed.Count(e => refused.ContainsKey(OutboxRendering.KeyOf(e)) && e.GetValue("attempts", 0).ToInt32() + 1 >= maxAttempts);
        // Entries claimed, not removed: one whose sequence moved stays for the next batch, and a drain goes on while it claims anything.
        return new RelayBatch(claimed.Count, claimed.Count - refused.Count, refused.Count, deadLettered);
    }

    /// <summary>Entries this relay still holds become claimable again at once (not cancellable: a held lease would delay them).</summary>
    private Task ReleaseAsync(IEnumerable<BsonValue> ids, string owner)
        => Entries.UpdateManyAsync(OutboxRendering.HeldBy(ids, owner), OutboxRendering.Release(), cancellationToken: CancellationToken.None);
}
