using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>One Composio action execution with its parameters, result and retries.</summary>
public sealed class ComposioActionAudit
{
    public string AuditId { get; set; } = "";
    public string ActionId { get; set; } = "";
    public string ToolkitName { get; set; } = "";
    public string ActionName { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string ConnectionId { get; set; } = "";
    public string? ExecutionId { get; set; }
    public JsonObject Parameters { get; set; } = [];
    public JsonObject Result { get; set; } = [];
    public ComposioActionStatus Status { get; set; }
    public DateTime ExecutedAt { get; set; }
    public int RetryCount { get; set; }
    public string? ErrorMessage { get; set; }
}

public enum ComposioActionStatus
{
    [JsonStringEnumMemberName("success")] Success,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("retrying")] Retrying,
}
