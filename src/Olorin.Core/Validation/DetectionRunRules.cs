namespace Olorin.Core.Validation;

/// <summary>What a client may send for a detection run (DATA-MODEL.md §3).</summary>
public static class DetectionRunRules
{
    /// <summary>Rules for a new run: detector_id and a window with from &lt; to are required.</summary>
    public static ValidationErrors ValidateCreate(string? runId, string? detectorId, DetectionWindow? window, DetectionRunInfo? info)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "run_id", runId);
        FieldRules.RequiredId(errors, "detector_id", detectorId);

        if (window is null) errors.Add("window", "window is required (with from and to).");
        else
        {
            if (window.From == default) errors.Add("window.from", "window.from is required.");
            if (window.To == default) errors.Add("window.to", "window.to is required.");
            if (window.From != default && window.To != default && window.From >= window.To)
                errors.Add("window.to", "window.to must be after window.from.");
            if (window.DurationHours is { } hours && (!double.IsFinite(hours) || hours < 0))
                errors.Add("window.duration_hours", $"window.duration_hours must be a finite number ≥ 0 (was {hours}).");
        }
        if (info is not null) ValidateInfo(errors, info);
        return errors;
    }

    /// <summary>A status update only starts a run (<c>running</c>) or reports progress on it; finishing is <c>complete</c>.</summary>
    public static ValidationErrors ValidateStatusUpdate(DetectionRunStatus? status, DetectionRunInfo? info)
    {
        var errors = new ValidationErrors();
        if (status is null) errors.Add("status", "status is required.");
        else if (status != DetectionRunStatus.Running)
            errors.Add("status", "status may only be set to running here; finish a run with POST /detection-runs/{id}/complete.");
        if (info is not null) ValidateInfo(errors, info);
        return errors;
    }

    public static ValidationErrors ValidateCompletion(DetectionRunStatus? status, DetectionRunInfo? info, string? errorMessage)
    {
        var errors = new ValidationErrors();
        if (status is not (DetectionRunStatus.Success or DetectionRunStatus.Failed))
            errors.Add("status", "status is required and must be success or failed.");
        if (info is not null) ValidateInfo(errors, info);
        if (errorMessage is not null && info?.ErrorMessage is not null && errorMessage != info.ErrorMessage)
            errors.Add("error_message", "error_message and info.error_message disagree; send one of them.");
        return errors;
    }

    /// <summary>A query time range on started_at: from &lt; to when both are given.</summary>
    public static void ValidateTimeRange(ValidationErrors errors, DateTime? from, DateTime? to)
    {
        if (from is { } f && to is { } t && f >= t) errors.Add("to", "to must be after from.");
    }

    public static void ValidateInfo(ValidationErrors errors, DetectionRunInfo info)
    {
        NonNegative(errors, "info.records_processed", info.RecordsProcessed);
        NonNegative(errors, "info.cohorts_analyzed", info.CohortsAnalyzed);
        NonNegative(errors, "info.anomalies_detected", info.AnomaliesDetected);
    }

    private static void NonNegative(ValidationErrors errors, string field, long? value)
    {
        if (value is < 0) errors.Add(field, $"{field} must be ≥ 0 (was {value}).");
    }
}
