using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Moves pending audit entries (<see cref="PendingAudit"/>) from an investigation's document into <c>audit_log</c>,
/// and finishes a delete (removes the tombstone, then the investigation's transaction scores in batches). Idempotent
/// and crash-safe: one relay at a time per investigation holds a short lease on the document; an entry is inserted
/// only when <c>audit_log</c> does not hold its entry_id yet, and taken off the pending list only after it stands; a
/// crash at any point leaves the entry pending (or moved and still listed, which the next pass recognises), and
/// <see cref="ResumeAsync"/> finishes everything left at start-up. A failure here never undoes the investigation
/// write: the entry stays pending, and history reads include pending entries meanwhile. Its writes of audit_log, of
/// the tombstone's removal and of the scores are captured (<see cref="CapturedWrites"/>); the lease and the pending
/// list are fields outside the model, which the write-back never copies, so their writes are not.
/// </summary>
public sealed class MongoAuditRelay(MongoContext context, CapturedWrites capture)
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IMongoCollection<BsonDocument> Raw => context.Database.GetCollection<BsonDocument>(MongoCollectionNames.Investigations);

    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    /// <summary>Documents with entries to move or a delete to finish.</summary>
    public static FilterDefinition<BsonDocument> Unfinished { get; } =
        Filter.Exists($"{PendingAudit.Field}.0") | Filter.Exists(PendingAudit.DeletedField);

    /// <summary>Moves what the investigation has pending; true when it did (false: nothing pending, or another relay holds the lease).</summary>
    public async Task<bool> FlushAsync(string tenantId, string investigationId, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var leased = await Raw.FindOneAndUpdateAsync(
            Filter.Eq("tenant_id", tenantId) & Filter.Eq("investigation_id", investigationId) & Unfinished
                & (Filter.Exists(PendingAudit.LeaseField, false) | Filter.Lt(PendingAudit.LeaseField, now)),
            Builders<BsonDocument>.Update.Set(PendingAudit.LeaseField, now + Lease),
            new FindOneAndUpdateOptions<BsonDocument>
            {
                ReturnDocument = ReturnDocument.After,
                Projection = Builders<BsonDocument>.Projection.Include(PendingAudit.Field).Include(PendingAudit.DeletedField),
            },
            cancellationToken);
        if (leased is null) return false;

        var entries = PendingAudit.EntriesOf(leased);
        await capture.RunAsync(entries.Select(CaptureKeys.AuditEntry).Distinct().ToList(), async () =>
        {
            foreach (var entry in entries)
            {
                if (!await context.AuditLog.Find(AuditLogFilters.EntryIdTaken(entry.EntryId)).AnyAsync(cancellationToken))
                    await context.AuditLog.InsertOneAsync(MongoAuditLogRepository.Prepare(entry), cancellationToken: cancellationToken);
            }
        }, cancellationToken);

        var id = Filter.Eq("_id", leased["_id"]);
        if (leased.Contains(PendingAudit.DeletedField))
        {
            await capture.RunAsync([CaptureKeys.Investigation(tenantId, investigationId)], () => Raw.DeleteOneAsync(id, cancellationToken), cancellationToken);
            await ScoreDeletion.DeleteAllAsync(context.TransactionScores, capture, tenantId, investigationId, cancellationToken);
            return true;
        }
        var moved = new BsonArray(entries.Select(e => e.EntryId));
        await Raw.UpdateOneAsync(id,
            Builders<BsonDocument>.Update
                .PullFilter(PendingAudit.Field, Filter.In("entry_id", moved))
                .Unset(PendingAudit.LeaseField),
            cancellationToken: cancellationToken);
        return true;
    }

    /// <summary>Finishes every investigation left with pending entries or a tombstone (after a crash); returns how many.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var left = await Raw.Find(Unfinished)
            .Project(Builders<BsonDocument>.Projection.Include("tenant_id").Include("investigation_id"))
            .ToListAsync(cancellationToken);
        var done = 0;
        foreach (var document in left)
        {
            if (await FlushAsync(document["tenant_id"].AsString, document["investigation_id"].AsString, cancellationToken)) done++;
        }
        return done;
    }
}
