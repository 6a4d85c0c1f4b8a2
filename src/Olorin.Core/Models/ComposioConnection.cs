using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>
/// A tenant's OAuth connection to a Composio toolkit. Tokens are held here already encrypted
/// (Decision 7); no response ever carries them.
/// </summary>
public sealed class ComposioConnection
{
    public string ConnectionId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string ToolkitName { get; set; } = "";
    public string ComposioConnectionId { get; set; } = "";
    public ComposioConnectionStatus Status { get; set; } = ComposioConnectionStatus.Active;
    public string EncryptedAccessToken { get; set; } = "";
    public string? RefreshToken { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum ComposioConnectionStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("expired")] Expired,
    [JsonStringEnumMemberName("revoked")] Revoked,
}
