namespace Olorin.Core.Transitions;

/// <summary>
/// The detection-run state machine, written once for both adapters: queued → running → success | failed, running →
/// running with new progress info, and nothing out of a finished run. Each adapter renders
/// <see cref="StatusUpdateFrom"/> / <see cref="CompletionFrom"/> as the guard of one conditional write, and words a
/// refused transition with <see cref="Refusal"/>.
/// </summary>
public static class DetectionRunTransitions
{
    public static IReadOnlyList<DetectionRunStatus> Unfinished { get; } = [DetectionRunStatus.Queued, DetectionRunStatus.Running];

    public static bool IsFinished(DetectionRunStatus status) => status is DetectionRunStatus.Success or DetectionRunStatus.Failed;

    /// <summary>The statuses a status update (not a completion) to <paramref name="target"/> may start from; empty when it never may.</summary>
    public static IReadOnlyList<DetectionRunStatus> StatusUpdateFrom(DetectionRunStatus target) => target switch
    {
        DetectionRunStatus.Queued => [DetectionRunStatus.Queued],
        DetectionRunStatus.Running => Unfinished,
        _ => [],
    };

    /// <summary>The statuses a completion as <paramref name="finalStatus"/> may start from; empty when it is not a final status.</summary>
    public static IReadOnlyList<DetectionRunStatus> CompletionFrom(DetectionRunStatus finalStatus)
        => IsFinished(finalStatus) ? Unfinished : [];

    /// <summary>Why a status update to <paramref name="target"/> is never allowed (its allowed-from list is empty).</summary>
    public static string NotAStatusUpdate(DetectionRunStatus target)
        => $"A run is finished with complete, not moved to {WireEnum.ToWire(target)}.";

    /// <summary>Why a completion as <paramref name="finalStatus"/> is never allowed.</summary>
    public static string NotACompletion(DetectionRunStatus finalStatus)
        => $"A run completes with success or failed, not {WireEnum.ToWire(finalStatus)}.";

    /// <summary>The 409 detail when run <paramref name="runId"/>, now <paramref name="current"/>, may not move to <paramref name="target"/>.</summary>
    public static string Refusal(string runId, DetectionRunStatus current, DetectionRunStatus target)
        => IsFinished(current)
            ? $"Run {runId} is already {WireEnum.ToWire(current)}; it cannot move to {WireEnum.ToWire(target)}."
            : $"Run {runId} is {WireEnum.ToWire(current)}; it cannot move to {WireEnum.ToWire(target)}.";
}
