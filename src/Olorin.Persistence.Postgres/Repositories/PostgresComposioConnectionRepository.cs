using System.Linq.Expressions;
using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Postgres.Repositories;

public sealed class PostgresComposioConnectionRepository(OlorinDbContext db, TimeProvider clock) : PostgresTenantTransfer<ComposioConnection>(db, x => x.TenantId, x => x.ConnectionId), IComposioConnectionRepository
{
    public async Task<Outcome<ComposioConnection>> CreateAsync(ComposioConnection connection, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        connection.CreatedAt = now;
        connection.UpdatedAt = now;
        connection.ExpiresAt = UtcTime.Normalize(connection.ExpiresAt);
        connection.LastUsedAt = UtcTime.Normalize(connection.LastUsedAt);

        Db.ComposioConnections.Add(connection);
        return await Db.SaveInsertAsync(connection, "connection_id", cancellationToken);
    }

    public Task<ComposioConnection?> GetAsync(string tenantId, string connectionId, CancellationToken cancellationToken = default)
        => Db.ComposioConnections.AsNoTracking().FirstOrDefaultAsync(ById(tenantId, connectionId), cancellationToken);

    public async Task<PagedResult<ComposioConnection>> ListAsync(string tenantId, ComposioConnectionQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var connections = Db.ComposioConnections.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.ToolkitName is { } toolkit) connections = connections.Where(x => x.ToolkitName == toolkit);
        if (query.Status is { } status) connections = connections.Where(x => x.Status == status);
        if (query.ExpiredAt is { } instant)
        {
            var at = UtcTime.Normalize(instant);
            connections = connections.Where(x => x.ExpiresAt <= at || x.Status == ComposioConnectionStatus.Expired);
        }

        // The total from row_counts unless the expiry instant (a comparison with the clock) filters.
        var counted = query.ExpiredAt is null
            ? RowCountKey.ForFilter("composio_connections", tenantId, [
                ("toolkit_name", query.ToolkitName), ("status", query.Status is { } s ? WireEnum.ToWire(s) : null)])
            : null;
        return await connections.ToPageAsync(q => q.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.ConnectionId), page, Db, counted, cancellationToken);
    }

    public async Task<Outcome<ComposioConnection>> UpdateTokensAsync(
        string tenantId, string connectionId, string encryptedAccessToken, string? encryptedRefreshToken, DateTime? expiresAt, DateTime now,
        CancellationToken cancellationToken = default)
    {
        var expires = UtcTime.Normalize(expiresAt);
        var updatedAt = UtcTime.Normalize(now);
        var updated = await Db.ComposioConnections.Where(ById(tenantId, connectionId)).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.EncryptedAccessToken, encryptedAccessToken)
            .SetProperty(x => x.RefreshToken, encryptedRefreshToken)
            .SetProperty(x => x.ExpiresAt, expires)
            .SetProperty(x => x.Status, ComposioConnectionStatus.Active)
            .SetProperty(x => x.UpdatedAt, updatedAt), cancellationToken);
        return await ReadUpdatedAsync(updated, tenantId, connectionId, cancellationToken);
    }

    public async Task<Outcome<ComposioConnection>> UpdateStatusAsync(
        string tenantId, string connectionId, ComposioConnectionStatus status, DateTime now, CancellationToken cancellationToken = default)
    {
        var updatedAt = UtcTime.Normalize(now);
        var updated = await Db.ComposioConnections.Where(ById(tenantId, connectionId)).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Status, status)
            .SetProperty(x => x.UpdatedAt, updatedAt), cancellationToken);
        return await ReadUpdatedAsync(updated, tenantId, connectionId, cancellationToken);
    }

    public async Task<bool> TouchLastUsedAsync(string tenantId, string connectionId, DateTime usedAt, CancellationToken cancellationToken = default)
    {
        var lastUsed = UtcTime.Normalize(usedAt);
        var updated = await Db.ComposioConnections.Where(ById(tenantId, connectionId))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUsedAt, lastUsed), cancellationToken);
        return updated > 0;
    }

    public async Task<bool> DeleteAsync(string tenantId, string connectionId, CancellationToken cancellationToken = default)
        => await Db.ComposioConnections.Where(ById(tenantId, connectionId)).ExecuteDeleteAsync(cancellationToken) > 0;

    private async Task<Outcome<ComposioConnection>> ReadUpdatedAsync(int updated, string tenantId, string connectionId, CancellationToken cancellationToken)
        => updated > 0 && await GetAsync(tenantId, connectionId, cancellationToken) is { } connection
            ? Outcome.Ok(connection)
            : Outcome.NotFound<ComposioConnection>();

    private static Expression<Func<ComposioConnection, bool>> ById(string tenantId, string connectionId)
        => x => x.TenantId == tenantId && x.ConnectionId == connectionId;
}
