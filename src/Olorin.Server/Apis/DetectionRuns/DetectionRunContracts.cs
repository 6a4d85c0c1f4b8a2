using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.DetectionRuns;

/// <param name="RunId">1–255 characters; a UUID is generated when absent.</param>
/// <param name="DetectorId">A detector of the caller's tenant; its type is recorded on the run.</param>
/// <param name="StartedAt">Defaults to now.</param>
/// <param name="Status">queued (default) or running.</param>
public sealed record CreateDetectionRunRequest(
    string? RunId = null,
    string? DetectorId = null,
    DateTime? StartedAt = null,
    DetectionRunStatus? Status = null,
    DetectionWindow? Window = null,
    DetectionRunInfo? Info = null);

/// <summary>Starts a queued run (<c>running</c>) or reports progress on a running one; <c>info</c> replaces the stored info when sent.</summary>
public sealed record UpdateDetectionRunStatusRequest(DetectionRunStatus? Status = null, DetectionRunInfo? Info = null);

/// <summary>
/// Finishes a run. finished_at is the server's clock and duration_ms is computed from started_at.
/// <c>info</c> replaces the stored info when sent; <c>error_message</c> sets <c>info.error_message</c>.
/// </summary>
public sealed record CompleteDetectionRunRequest(DetectionRunStatus? Status = null, DetectionRunInfo? Info = null, string? ErrorMessage = null);

/// <summary>A run as clients see it: the stored document, whose metadata leaves out <c>tenant_id</c>.</summary>
public sealed record DetectionRunResponse(
    string RunId,
    DetectionRunMetadataResponse Metadata,
    DateTime StartedAt,
    DateTime? FinishedAt,
    long? DurationMs,
    DetectionWindow Window,
    DetectionRunInfo Info)
{
    public static DetectionRunResponse From(DetectionRun r) => new(
        r.RunId,
        new DetectionRunMetadataResponse(r.Metadata.DetectorId, r.Metadata.DetectorType, r.Metadata.Status),
        r.StartedAt, r.FinishedAt, r.DurationMs, r.Window, r.Info);
}

public sealed record DetectionRunMetadataResponse(string DetectorId, string? DetectorType, DetectionRunStatus Status);

/// <summary>The list envelope, with the same camelCase paging keys as the investigation list.</summary>
public sealed record DetectionRunListResponse(
    [property: JsonPropertyName("detection_runs")] IReadOnlyList<DetectionRunResponse> DetectionRuns,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static DetectionRunListResponse From(PagedResult<DetectionRun> page) => new(
        page.Items.Select(DetectionRunResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}

/// <summary>
/// Run counts per status (every status present, zero when none) and nearest-rank duration percentiles over the runs
/// that have a duration (null when none has).
/// </summary>
public sealed record DetectionRunStatsResponse(
    long Total,
    IReadOnlyDictionary<string, long> CountByStatus,
    long? DurationP50Ms,
    long? DurationP95Ms,
    long? DurationP99Ms,
    double? DurationAvgMs)
{
    public static DetectionRunStatsResponse From(DetectionRunStats s) => new(
        s.Total,
        Enum.GetValues<DetectionRunStatus>().ToDictionary(WireEnum.ToWire, status => s.CountByStatus.GetValueOrDefault(status)),
        s.DurationP50Ms, s.DurationP95Ms, s.DurationP99Ms, s.DurationAvgMs);
}
