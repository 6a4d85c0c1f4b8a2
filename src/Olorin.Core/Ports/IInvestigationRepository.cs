using System.Text.Json.Nodes;
using Olorin.Core.Auditing;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;

namespace Olorin.Core.Ports;

/// <summary>
/// Investigations. Every create, update and delete appends its <c>audit_log</c> entry (built by
/// <see cref="AuditEntries"/>) atomically with the change.
/// </summary>
public interface IInvestigationRepository : IBulkTransferPort<Investigation, TenantKey>
{
    /// <summary>Stores a new investigation with version 1 and created_at = updated_at = now. Duplicate id → <c>Duplicate("investigation_id")</c>.</summary>
    Task<Outcome<Investigation>> CreateAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken = default);

    Task<Investigation?> GetAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default);

    /// <summary>Newest <c>updated_at</c> first (then investigation_id).</summary>
    Task<PagedResult<Investigation>> ListAsync(string tenantId, InvestigationQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="patch"/> if the stored version equals <paramref name="expectedVersion"/>
    /// (bumping it by one); otherwise, or when a concurrent writer won, <c>VersionConflict(current)</c>.
    /// </summary>
    Task<Outcome<Investigation>> UpdateAsync(string tenantId, string investigationId, int expectedVersion, InvestigationPatch patch, AuditContext audit, CancellationToken cancellationToken = default);

    /// <summary>Replaces progress without bumping version (Decision 6); updated_at moves.</summary>
    Task<Outcome<Investigation>> UpdateProgressAsync(string tenantId, string investigationId, JsonObject progress, CancellationToken cancellationToken = default);

    /// <summary>Sets last_accessed without bumping version or updated_at. False when not found.</summary>
    Task<bool> TouchLastAccessedAsync(string tenantId, string investigationId, DateTime accessedAt, CancellationToken cancellationToken = default);

    /// <summary>Deletes the investigation with its transaction scores and appends its DELETE entry; returns the deleted document.</summary>
    Task<Outcome<Investigation>> DeleteAsync(string tenantId, string investigationId, AuditContext audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Full-text search over settings.name, entity values, results.summary and results.findings; best match first.
    /// </summary>
    Task<PagedResult<InvestigationSearchHit>> SearchAsync(string tenantId, string text, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>How many investigations the tenant has in each status (statuses with none are absent).</summary>
    Task<IReadOnlyDictionary<InvestigationStatus, long>> CountByStatusAsync(string tenantId, CancellationToken cancellationToken = default);
}

/// <param name="Status">Only this status.</param>
/// <param name="Search">Case-insensitive substring of investigation_id (the reference's regex filter, escaped).</param>
/// <param name="UserId">Only this owner.</param>
public sealed record InvestigationQuery(InvestigationStatus? Status = null, string? Search = null, string? UserId = null);

/// <param name="Rank">Backend-specific relevance; only the order is comparable across backends.</param>
public sealed record InvestigationSearchHit(Investigation Investigation, double Rank);
