namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>The investigation audit trail in <c>investigation_audit_log</c> (metadata flattened into columns).</summary>
internal sealed class PostgresAuditLogRepository(OlorinDbContext db) : IAuditLogRepository
{
    public async Task AppendAsync(AuditLogEntry entry, CancellationToken cancellationToken = default)
    {
        entry.Timestamp = UtcTime.Normalize(entry.Timestamp);
        db.AuditLog.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<IReadOnlyList<AuditLogEntry>> GetHistoryAsync(
        string tenantId, string investigationId, int limit, int offset, CancellationToken cancellationToken = default)
        => await db.AuditLog.AsNoTracking()
            .Where(x => x.Metadata.TenantId == tenantId && x.Metadata.InvestigationId == investigationId)
            .OrderByDescending(x => x.Timestamp).ThenByDescending(x => x.EntryId)
            .Skip(offset).Take(limit)
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<AuditLogEntry>> ListByTimeRangeAsync(
        string tenantId, DateTime from, DateTime to, AuditLogQuery query, int limit, CancellationToken cancellationToken = default)
        => await InRange(tenantId, from, to, query)
            .OrderByDescending(x => x.Timestamp).ThenByDescending(x => x.EntryId)
            .Take(limit)
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<AuditActionType, long>> CountByActionTypeAsync(
        string tenantId, DateTime from, DateTime to, CancellationToken cancellationToken = default)
    {
        var counts = await InRange(tenantId, from, to, new AuditLogQuery())
            .GroupBy(x => x.Metadata.ActionType)
            .Select(g => new { ActionType = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.ActionType, c => c.Count);
    }

    public string KeyOf(AuditLogEntry document) => document.EntryId;

    public IAsyncEnumerable<AuditLogEntry> ExportAsync(string? after = null, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.ExportAsync(db, (AuditLogEntry x) => x.EntryId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => db.AuditLog.LongCountAsync(cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<AuditLogEntry> documents, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.UpsertAsync(db, documents, x => x.EntryId, cancellationToken);

    private IQueryable<AuditLogEntry> InRange(string tenantId, DateTime from, DateTime to, AuditLogQuery query)
    {
        var start = UtcTime.Normalize(from);
        var end = UtcTime.Normalize(to);
        var matching = db.AuditLog.AsNoTracking()
            .Where(x => x.Metadata.TenantId == tenantId && x.Timestamp >= start && x.Timestamp < end);
        if (query.ActionType is { } actionType) matching = matching.Where(x => x.Metadata.ActionType == actionType);
        if (query.UserId is { } userId) matching = matching.Where(x => x.Metadata.UserId == userId);
        if (query.InvestigationId is { } investigationId) matching = matching.Where(x => x.Metadata.InvestigationId == investigationId);
        return matching;
    }
}
