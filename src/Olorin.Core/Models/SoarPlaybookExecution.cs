using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>One automated-response playbook run and the actions it executed.</summary>
public sealed class SoarPlaybookExecution
{
    public string ExecutionId { get; set; } = "";
    public string PlaybookId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string? InvestigationId { get; set; }
    public string? AnomalyId { get; set; }
    public string? TriggerReason { get; set; }
    public string? TriggeredBy { get; set; }
    public SoarExecutionStatus Status { get; set; } = SoarExecutionStatus.Running;
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>Set when the run completes or fails.</summary>
    public long? DurationMs { get; set; }
    public List<SoarActionResult> ActionsExecuted { get; set; } = [];
    public string? ErrorMessage { get; set; }
}

public sealed class SoarActionResult : IKeepsUnknownMembers
{
    public string ActionId { get; set; } = "";
    public string ActionType { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public JsonObject Result { get; set; } = [];
    public string? Error { get; set; }

    /// <summary>Members the client sent that the server does not interpret, kept as sent (Decision 12).</summary>
    [JsonExtensionData]
    public UnknownMembers UnknownMembers { get; set => field = value ?? []; } = [];
}

public enum SoarExecutionStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}
