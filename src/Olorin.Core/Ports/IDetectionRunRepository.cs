namespace Olorin.Core.Ports;

/// <summary>Detection runs; tenant is <c>metadata.tenant_id</c>. run_id uniqueness is enforced here, not by an index.</summary>
public interface IDetectionRunRepository : IBulkTransferPort<DetectionRun, TenantKey>
{
    /// <summary>Duplicate run_id (any tenant) → <c>Duplicate("run_id")</c>.</summary>
    Task<Outcome<DetectionRun>> CreateAsync(DetectionRun run, CancellationToken cancellationToken = default);

    Task<DetectionRun?> GetAsync(string tenantId, string runId, CancellationToken cancellationToken = default);

    /// <summary>Newest started_at first (then run_id); <c>From</c> ≤ started_at &lt; <c>To</c>.</summary>
    Task<PagedResult<DetectionRun>> ListAsync(string tenantId, DetectionRunQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Moves a queued run to running, or records progress info on a running one.</summary>
    Task<Outcome<DetectionRun>> UpdateStatusAsync(string tenantId, string runId, DetectionRunStatus status, DetectionRunInfo? info, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finishes a run with success or failed: finished_at, duration_ms = finished_at − started_at (never negative),
    /// info. A run already finished → <c>InvalidState</c>.
    /// </summary>
    Task<Outcome<DetectionRun>> CompleteAsync(string tenantId, string runId, DetectionRunStatus finalStatus, DateTime finishedAt, DetectionRunInfo info, CancellationToken cancellationToken = default);

    /// <summary>Counts per status and duration percentiles of runs with <c>From</c> ≤ started_at &lt; <c>To</c>.</summary>
    Task<DetectionRunStats> GetStatsAsync(string tenantId, DetectionRunQuery query, CancellationToken cancellationToken = default);
}

public sealed record DetectionRunQuery(string? DetectorId = null, DetectionRunStatus? Status = null, DateTime? From = null, DateTime? To = null);

/// <summary>
/// Percentiles are nearest-rank (PostgreSQL <c>percentile_disc</c>) over runs that have a duration;
/// null when none has.
/// </summary>
public sealed record DetectionRunStats(
    long Total,
    IReadOnlyDictionary<DetectionRunStatus, long> CountByStatus,
    long? DurationP50Ms,
    long? DurationP95Ms,
    long? DurationP99Ms,
    double? DurationAvgMs);
