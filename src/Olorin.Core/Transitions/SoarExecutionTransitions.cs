namespace Olorin.Core.Transitions;

/// <summary>
/// The SOAR execution machine, written once for both adapters: actions are appended, and the execution finished
/// (completed, failed or cancelled), only while it is running; each is one write guarded on status = running.
/// </summary>
public static class SoarExecutionTransitions
{
    /// <summary>The one status an append or a finish may start from.</summary>
    public const SoarExecutionStatus AllowedFrom = SoarExecutionStatus.Running;

    public static bool IsFinal(SoarExecutionStatus status) => status != SoarExecutionStatus.Running;

    /// <summary>The 409 detail when <paramref name="operation"/> ("append an action to", "finish") meets a finished execution.</summary>
    public static string Refusal(string executionId, SoarExecutionStatus current, string operation)
        => $"Cannot {operation} execution {executionId}: it is {WireEnum.ToWire(current)}, not running.";

    public const string AppendOperation = "append an action to";
    public const string FinishOperation = "finish";
}
