using Olorin.Core.Auditing;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The investigation audit trail in the <c>audit_log</c> time series (append-only).</summary>
internal sealed class MongoAuditLogRepository(MongoContext context, CapturedWrites capture) : IAuditLogRepository
{
    private IMongoCollection<AuditLogEntry> Entries => context.AuditLog;

    /// <summary>
    /// Check, then insert (a time series cannot have a unique index on entry_id). A taken entry_id is a caller bug —
    /// entry ids are fresh GUIDs — so it throws, as the PostgreSQL primary key does.
    /// </summary>
    public Task AppendAsync(AuditLogEntry entry, CancellationToken cancellationToken = default)
        => capture.RunAsync([CaptureKeys.AuditEntry(entry)], async () =>
        {
            if (await Entries.Find(AuditLogFilters.EntryIdTaken(entry.EntryId)).AnyAsync(cancellationToken))
                throw new InvalidOperationException($"Audit entry {entry.EntryId} already exists.");
            await Entries.InsertOneAsync(Prepare(entry), cancellationToken: cancellationToken);
        }, cancellationToken);

    /// <summary>See <see cref="MongoAuditEntries.Prepare"/>.</summary>
    public static AuditLogEntry Prepare(AuditLogEntry entry) => MongoAuditEntries.Prepare(entry);

    /// <summary>
    /// The stored entries and those still pending in the investigation's document (<see cref="PendingAudit"/>; an
    /// entry moved but not yet taken off the list counts once), newest first.
    /// </summary>
    public async Task<IReadOnlyList<AuditLogEntry>> GetHistoryAsync(
        string tenantId, string investigationId, int limit, int offset, CancellationToken cancellationToken = default)
    {
        if (RowLimit.FetchesNothing(limit)) return [];
        var pendingDocument = await context.Database.GetCollection<BsonDocument>(MongoCollectionNames.Investigations)
            .Find(Builders<BsonDocument>.Filter.Eq("tenant_id", tenantId) & Builders<BsonDocument>.Filter.Eq("investigation_id", investigationId))
            .Project(Builders<BsonDocument>.Projection.Include(PendingAudit.Field))
            .FirstOrDefaultAsync(cancellationToken);
        var pending = PendingAudit.EntriesOf(pendingDocument);
        var stored = await Entries.Find(AuditLogFilters.History(tenantId, investigationId))
            .Sort(AuditLogFilters.NewestFirst)
            .Limit(offset + limit + pending.Count)
            .ToListAsync(cancellationToken);
        return AuditLogFilters.MergeNewestFirst(stored, pending).Skip(offset).Take(limit).ToList();
    }

    public async Task<IReadOnlyList<AuditLogEntry>> ListByTimeRangeAsync(
        string tenantId, DateTime from, DateTime to, AuditLogQuery query, int limit, CancellationToken cancellationToken = default)
        => RowLimit.FetchesNothing(limit) ? [] : await Entries.Find(AuditLogFilters.InRange(tenantId, UtcTime.Normalize(from), UtcTime.Normalize(to), query))
            .Sort(AuditLogFilters.NewestFirst)
            .Limit(limit)
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<AuditActionType, long>> CountByActionTypeAsync(
        string tenantId, DateTime from, DateTime to, CancellationToken cancellationToken = default)
    {
        var counts = await (await Entries.AggregateAsync(
                AuditLogFilters.CountByActionType(tenantId, UtcTime.Normalize(from), UtcTime.Normalize(to)), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Status, c => c.Count);
    }

    public string KeyOf(AuditLogEntry document) => document.EntryId;

    /// <summary>One sorted cursor (<see cref="MongoBulkTransfer.ExportInOneCursorAsync{T}(IMongoCollection{T},System.Linq.Expressions.Expression{Func{T,string}},string?,CancellationToken)"/>): audit_log is a time series by default.</summary>
    public IAsyncEnumerable<AuditLogEntry> ExportAsync(string? after = null, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.ExportInOneCursorAsync(Entries, e => e.EntryId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Entries, cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<AuditLogEntry> documents, CancellationToken cancellationToken = default)
        => capture.RunAsync(documents.Select(CaptureKeys.AuditEntry).Distinct().ToList(),
            () => MongoBulkTransfer.DeleteThenInsertAsync(Entries, documents, e => e.EntryId, cancellationToken), cancellationToken);
}
