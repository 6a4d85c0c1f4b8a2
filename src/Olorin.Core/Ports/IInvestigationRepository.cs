using Olorin.Core.Auditing;
using Olorin.Core.Transitions;

namespace Olorin.Core.Ports;

/// <summary>
/// Investigations. Every create, update and delete appends its <c>audit_log</c> entry (built by
/// <see cref="AuditEntries"/>) atomically with the change.
/// </summary>
public interface IInvestigationRepository : IBulkTransferPort<Investigation, TenantKey>
{
    /// <summary>Stores a new investigation with version 1 and created_at = updated_at = now. Duplicate id → <c>Duplicate("investigation_id")</c>.</summary>
    Task<Outcome<Investigation>> CreateAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken = default);

    /// <summary>The investigation as served, without its embedding (empty): derived data, never sent to clients.</summary>
    Task<Investigation?> GetAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Newest <c>updated_at</c> first (then investigation_id), without embeddings. <c>TotalCount</c> is exact; with no
    /// filter or the status filter alone it costs O(1) (a maintained counter), not a count of the tenant's rows.
    /// </summary>
    Task<PagedResult<Investigation>> ListAsync(string tenantId, InvestigationQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="patch"/> (bumping the version by one) if <paramref name="guard"/> holds for the stored
    /// document, evaluated inside the write itself; otherwise the guard's refusal (<c>NotFound</c>, <c>Forbidden</c>,
    /// <c>VersionConflict(current)</c>, <c>PreconditionFailed</c>) and nothing is written. A plain version converts
    /// to a version-only guard.
    /// </summary>
    Task<Outcome<Investigation>> UpdateAsync(string tenantId, string investigationId, InvestigationWriteGuard guard, InvestigationPatch patch, AuditContext audit, CancellationToken cancellationToken = default);

    /// <summary>Replaces progress without bumping version (Decision 6); updated_at moves.</summary>
    Task<Outcome<Investigation>> UpdateProgressAsync(string tenantId, string investigationId, JsonObject progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets last_accessed to <paramref name="accessedAt"/> without bumping version or updated_at, only when it is unset
    /// or older than <paramref name="olderThan"/> (a conditional write: a recent access writes nothing). False when
    /// nothing was written (not found, or accessed recently).
    /// </summary>
    Task<bool> TouchLastAccessedAsync(string tenantId, string investigationId, DateTime accessedAt, DateTime olderThan, CancellationToken cancellationToken = default);

    /// <summary>
    /// The same conditional write for many accesses at once (the server buffers the accesses of its reads and flushes
    /// them in one call): each sets last_accessed to its <see cref="InvestigationAccess.AccessedAt"/> only when the
    /// stored one is unset or older than that minus <paramref name="interval"/>. Returns how many were written.
    /// Adapters send one statement (PostgreSQL) or one unordered bulk write (MongoDB); this default calls the single
    /// write per access.
    /// </summary>
    async Task<int> TouchLastAccessedAsync(IReadOnlyList<InvestigationAccess> accesses, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        var written = 0;
        foreach (var access in accesses)
            if (await TouchLastAccessedAsync(access.TenantId, access.InvestigationId, access.AccessedAt, access.AccessedAt - interval, cancellationToken))
                written++;
        return written;
    }

    /// <summary>Deletes the investigation with its transaction scores and appends its DELETE entry; returns the deleted document.</summary>
    Task<Outcome<Investigation>> DeleteAsync(string tenantId, string investigationId, AuditContext audit, CancellationToken cancellationToken = default)
        => DeleteAsync(tenantId, investigationId, InvestigationWriteGuard.Any, audit, cancellationToken);

    /// <summary>
    /// Deletes it (as above) only if <paramref name="guard"/> holds for the stored document, evaluated inside the
    /// write; otherwise the guard's refusal and nothing is written.
    /// </summary>
    Task<Outcome<Investigation>> DeleteAsync(string tenantId, string investigationId, InvestigationWriteGuard guard, AuditContext audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Full-text search over settings.name, entity values, results.summary and results.findings; best match first.
    /// </summary>
    Task<PagedResult<InvestigationSearchHit>> SearchAsync(string tenantId, string text, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's investigations that have an embedding with cosine similarity ≥ <paramref name="minSimilarity"/>
    /// to <paramref name="vector"/>, most similar first; <c>Rank</c> is the cosine similarity.
    /// </summary>
    Task<PagedResult<InvestigationSearchHit>> SearchSemanticAsync(
        string tenantId, float[] vector, double minSimilarity, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Investigations without an embedding, of one tenant (or of every tenant when <paramref name="tenantId"/> is
    /// null), ordered by (tenant_id, investigation_id) and starting after <paramref name="after"/>.
    /// </summary>
    Task<IReadOnlyList<Investigation>> ListWithoutEmbeddingAsync(string? tenantId, TenantKey? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the embedding computed from the investigation at <paramref name="version"/>, only while it is still at
    /// that version and has none (a newer change of settings or results wins). Neither version nor updated_at moves
    /// and no audit entry is written: the embedding is derived data. True when it was written.
    /// </summary>
    Task<bool> SetEmbeddingAsync(string tenantId, string investigationId, int version, float[] embedding, CancellationToken cancellationToken = default);

    /// <summary>How many investigations the tenant has in each status (statuses with none are absent).</summary>
    Task<IReadOnlyDictionary<InvestigationStatus, long>> CountByStatusAsync(string tenantId, CancellationToken cancellationToken = default);
}

/// <param name="Status">Only this status.</param>
/// <param name="Search">Case-insensitive substring of investigation_id (the reference's regex filter, escaped).</param>
/// <param name="UserId">Only this owner.</param>
public sealed record InvestigationQuery(InvestigationStatus? Status = null, string? Search = null, string? UserId = null);

/// <param name="Rank">Backend-specific relevance; only the order is comparable across backends.</param>
public sealed record InvestigationSearchHit(Investigation Investigation, double Rank);
