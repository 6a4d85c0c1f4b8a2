namespace Olorin.Core.Ports;

/// <summary>The investigation audit trail (append-only). Investigation writes append through <see cref="IInvestigationRepository"/>.</summary>
public interface IAuditLogRepository : IBulkTransferPort<AuditLogEntry, string>
{
    /// <summary>Appends an entry that is not part of an investigation write (EXECUTE, STATE_CHANGE from a worker, …).</summary>
    Task AppendAsync(AuditLogEntry entry, CancellationToken cancellationToken = default);

    /// <summary>An investigation's entries, newest timestamp first (then entry_id descending).</summary>
    Task<IReadOnlyList<AuditLogEntry>> GetHistoryAsync(string tenantId, string investigationId, int limit, int offset, CancellationToken cancellationToken = default);

    /// <summary>Entries with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/>, newest first.</summary>
    Task<IReadOnlyList<AuditLogEntry>> ListByTimeRangeAsync(string tenantId, DateTime from, DateTime to, AuditLogQuery query, int limit, CancellationToken cancellationToken = default);

    /// <summary>Entries per action type with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/>.</summary>
    Task<IReadOnlyDictionary<AuditActionType, long>> CountByActionTypeAsync(string tenantId, DateTime from, DateTime to, CancellationToken cancellationToken = default);
}

public sealed record AuditLogQuery(AuditActionType? ActionType = null, string? UserId = null, string? InvestigationId = null);
