using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.Composio;

/// <param name="ConnectionId">Generated when absent.</param>
/// <param name="AccessToken">Plaintext; encrypted before it is stored and never returned.</param>
/// <param name="RefreshToken">Plaintext; encrypted before it is stored and never returned.</param>
public sealed record CreateComposioConnectionRequest(
    string? ConnectionId,
    string? ToolkitName,
    string? ComposioConnectionId,
    string? AccessToken,
    string? RefreshToken,
    DateTime? ExpiresAt,
    string? Status);

/// <param name="RefreshToken">When absent the stored refresh token stays (an OAuth refresh need not issue a new one).</param>
public sealed record RefreshComposioConnectionRequest(string? AccessToken, string? RefreshToken, DateTime? ExpiresAt);

public sealed record UpdateComposioConnectionStatusRequest(string? Status);

/// <summary>A connection as clients see it: never any token (Decision 7).</summary>
public sealed record ComposioConnectionResponse(
    string ConnectionId,
    string ToolkitName,
    string ComposioConnectionId,
    ComposioConnectionStatus Status,
    DateTime? ExpiresAt,
    DateTime? LastUsedAt,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static ComposioConnectionResponse From(ComposioConnection connection) => new(
        connection.ConnectionId, connection.ToolkitName, connection.ComposioConnectionId, connection.Status,
        connection.ExpiresAt, connection.LastUsedAt, connection.CreatedAt, connection.UpdatedAt);
}

/// <summary>The list envelope, in the same shape as the investigations list (Decision 9).</summary>
public sealed record ComposioConnectionListResponse(
    [property: JsonPropertyName("connections")] IReadOnlyList<ComposioConnectionResponse> Connections,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static ComposioConnectionListResponse From(PagedResult<ComposioConnection> page) => new(
        page.Items.Select(ComposioConnectionResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
