using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.Composio;

/// <param name="AuditId">Generated when absent.</param>
/// <param name="ExecutedAt">Now when absent.</param>
public sealed record CreateComposioActionAuditRequest(
    string? AuditId,
    string? ActionId,
    string? ToolkitName,
    string? ActionName,
    string? ConnectionId,
    string? ExecutionId,
    JsonObject? Parameters,
    JsonObject? Result,
    string? Status,
    DateTime? ExecutedAt,
    int? RetryCount,
    string? ErrorMessage);

public sealed record RetryComposioActionRequest(string? Status, string? ErrorMessage);

public sealed record ComposioActionAuditResponse(
    string AuditId,
    string ActionId,
    string ToolkitName,
    string ActionName,
    string ConnectionId,
    string? ExecutionId,
    JsonObject Parameters,
    JsonObject Result,
    ComposioActionStatus Status,
    DateTime ExecutedAt,
    int RetryCount,
    string? ErrorMessage)
{
    public static ComposioActionAuditResponse From(ComposioActionAudit audit) => new(
        audit.AuditId, audit.ActionId, audit.ToolkitName, audit.ActionName, audit.ConnectionId, audit.ExecutionId,
        audit.Parameters, audit.Result, audit.Status, audit.ExecutedAt, audit.RetryCount, audit.ErrorMessage);
}

public sealed record FailedComposioActionsResponse(IReadOnlyList<ComposioActionAuditResponse> ActionAudits);

public sealed record ComposioActionStatsResponse(DateTime? From, DateTime? To, IReadOnlyList<ToolkitActionStatsResponse> Toolkits);

public sealed record ToolkitActionStatsResponse(string ToolkitName, long Total, long Success, long Failed, long Retrying, long TotalRetries, double SuccessRate)
{
    public static ToolkitActionStatsResponse From(ToolkitActionStats stats)
        => new(stats.ToolkitName, stats.Total, stats.Success, stats.Failed, stats.Retrying, stats.TotalRetries, stats.SuccessRate);
}

/// <summary>The list envelope, in the same shape as the investigations list (Decision 9).</summary>
public sealed record ComposioActionAuditListResponse(
    [property: JsonPropertyName("action_audits")] IReadOnlyList<ComposioActionAuditResponse> ActionAudits,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static ComposioActionAuditListResponse From(PagedResult<ComposioActionAudit> page) => new(
        page.Items.Select(ComposioActionAuditResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
