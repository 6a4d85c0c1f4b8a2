using Olorin.Core.Models;
using Olorin.Core.Validation;

namespace Olorin.Server.Tests.Unit;

public sealed class DetectionRunsRulesTests
{
    private static readonly DateTime From = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_run_needs_a_detector_and_a_forward_window()
    {
        Assert.True(DetectionRunRules.ValidateCreate(null, "det", new DetectionWindow { From = From, To = From.AddHours(1) }, null).IsEmpty);
        Assert.NotEmpty(DetectionRunRules.ValidateCreate(null, null, new DetectionWindow { From = From, To = From.AddHours(1) }, null)["detector_id"]);
        Assert.NotEmpty(DetectionRunRules.ValidateCreate(null, "det", null, null)["window"]);
        Assert.NotEmpty(DetectionRunRules.ValidateCreate(null, "det", new DetectionWindow { To = From }, null)["window.from"]);
        Assert.NotEmpty(DetectionRunRules.ValidateCreate(null, "det", new DetectionWindow { From = From, To = From }, null)["window.to"]);
    }

    [Fact]
    public void Status_updates_only_start_runs_and_completions_only_finish_them()
    {
        Assert.True(DetectionRunRules.ValidateStatusUpdate(DetectionRunStatus.Running, null).IsEmpty);
        Assert.NotEmpty(DetectionRunRules.ValidateStatusUpdate(DetectionRunStatus.Success, null)["status"]);
        Assert.NotEmpty(DetectionRunRules.ValidateStatusUpdate(null, null)["status"]);
        Assert.True(DetectionRunRules.ValidateCompletion(DetectionRunStatus.Failed, null, "boom").IsEmpty);
        Assert.NotEmpty(DetectionRunRules.ValidateCompletion(DetectionRunStatus.Queued, null, null)["status"]);
        Assert.NotEmpty(DetectionRunRules.ValidateCompletion(DetectionRunStatus.Failed, new DetectionRunInfo { ErrorMessage = "a" }, "b")["error_message"]);
    }

    [Fact]
    public void Counters_are_never_negative_and_time_ranges_run_forward()
    {
        Assert.NotEmpty(DetectionRunRules.ValidateStatusUpdate(DetectionRunStatus.Running, new DetectionRunInfo { AnomaliesDetected = -1 })["info.anomalies_detected"]);

        var errors = new ValidationErrors();
        DetectionRunRules.ValidateTimeRange(errors, From, From);
        Assert.NotEmpty(errors["to"]);
        var open = new ValidationErrors();
        DetectionRunRules.ValidateTimeRange(open, From, null);
        Assert.True(open.IsEmpty);
    }
}
