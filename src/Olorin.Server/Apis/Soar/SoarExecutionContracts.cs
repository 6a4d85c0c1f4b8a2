using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.Soar;

/// <param name="ExecutionId">Generated when absent.</param>
public sealed record StartSoarExecutionRequest(
    string? ExecutionId, string? PlaybookId, string? InvestigationId, string? AnomalyId, string? TriggerReason, string? TriggeredBy);

/// <param name="StartedAt">Now when absent.</param>
public sealed record AppendSoarActionRequest(
    string? ActionId, string? ActionType, string? Status, DateTime? StartedAt, DateTime? CompletedAt, JsonObject? Result, string? Error)
{
    /// <summary>Members of the action the server does not interpret: stored with it as sent (Decision 12).</summary>
    [JsonExtensionData]
    public UnknownMembers? UnknownMembers { get; init; }
}

public sealed record FailSoarExecutionRequest(string? ErrorMessage);

public sealed record SoarExecutionResponse(
    string ExecutionId,
    string PlaybookId,
    string? InvestigationId,
    string? AnomalyId,
    string? TriggerReason,
    string? TriggeredBy,
    SoarExecutionStatus Status,
    DateTime StartedAt,
    DateTime? CompletedAt,
    long? DurationMs,
    IReadOnlyList<SoarActionResult> ActionsExecuted,
    string? ErrorMessage)
{
    public static SoarExecutionResponse From(SoarPlaybookExecution execution) => new(
        execution.ExecutionId, execution.PlaybookId, execution.InvestigationId, execution.AnomalyId, execution.TriggerReason,
        execution.TriggeredBy, execution.Status, execution.StartedAt, execution.CompletedAt, execution.DurationMs,
        execution.ActionsExecuted, execution.ErrorMessage);
}

/// <summary>The list envelope, in the same shape as the investigations list (Decision 9).</summary>
public sealed record SoarExecutionListResponse(
    [property: JsonPropertyName("executions")] IReadOnlyList<SoarExecutionResponse> Executions,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static SoarExecutionListResponse From(PagedResult<SoarPlaybookExecution> page) => new(
        page.Items.Select(SoarExecutionResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
