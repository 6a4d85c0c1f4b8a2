namespace Olorin.Core.Ports;

/// <summary>Composio connections. Tokens arrive and leave already encrypted; the repository never sees plaintext.</summary>
public interface IComposioConnectionRepository : IBulkTransferPort<ComposioConnection, TenantKey>
{
    /// <summary>created_at = updated_at = now. Duplicate id → <c>Duplicate("connection_id")</c>.</summary>
    Task<Outcome<ComposioConnection>> CreateAsync(ComposioConnection connection, CancellationToken cancellationToken = default);

    Task<ComposioConnection?> GetAsync(string tenantId, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Newest created_at first (then connection_id).</summary>
    Task<PagedResult<ComposioConnection>> ListAsync(string tenantId, ComposioConnectionQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Replaces the (encrypted) tokens and expires_at, sets status active and updated_at = now.</summary>
    Task<Outcome<ComposioConnection>> UpdateTokensAsync(string tenantId, string connectionId, string encryptedAccessToken, string? encryptedRefreshToken, DateTime? expiresAt, DateTime now, CancellationToken cancellationToken = default);

    Task<Outcome<ComposioConnection>> UpdateStatusAsync(string tenantId, string connectionId, ComposioConnectionStatus status, DateTime now, CancellationToken cancellationToken = default);

    /// <summary>Sets last_used_at (updated_at unchanged).</summary>
    Task<bool> TouchLastUsedAsync(string tenantId, string connectionId, DateTime usedAt, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string tenantId, string connectionId, CancellationToken cancellationToken = default);
}

/// <param name="ExpiredAt">When set, only connections whose expires_at is at or before this instant, or whose status is expired.</param>
public sealed record ComposioConnectionQuery(string? ToolkitName = null, ComposioConnectionStatus? Status = null, DateTime? ExpiredAt = null);
