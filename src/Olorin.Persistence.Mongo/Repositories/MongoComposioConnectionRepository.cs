using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

internal sealed class MongoComposioConnectionRepository(MongoContext context, CapturedWrites capture, TimeProvider clock)
    : MongoTenantTransfer<ComposioConnection>(context.ComposioConnections, capture, c => c.TenantId, c => c.ConnectionId), IComposioConnectionRepository
{
    private static readonly FindOneAndUpdateOptions<ComposioConnection> ReturnAfter = new() { ReturnDocument = ReturnDocument.After };

    private IMongoCollection<ComposioConnection> Connections => Collection;

    public async Task<Outcome<ComposioConnection>> CreateAsync(ComposioConnection connection, CancellationToken cancellationToken = default)
    {
        connection.CreatedAt = connection.UpdatedAt = UtcTime.Now(clock);
        connection.ExpiresAt = UtcTime.Normalize(connection.ExpiresAt);
        connection.LastUsedAt = UtcTime.Normalize(connection.LastUsedAt);
        return await Capture.RunAsync(CaptureKeys.Connection(connection.TenantId, connection.ConnectionId),
            () => MongoErrors.InsertAsync(Connections, connection, "connection_id", cancellationToken), cancellationToken);
    }

    public async Task<ComposioConnection?> GetAsync(string tenantId, string connectionId, CancellationToken cancellationToken = default)
        => await Connections.Find(ComposioConnectionFilters.ById(tenantId, connectionId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<ComposioConnection>> ListAsync(string tenantId, ComposioConnectionQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Connections, ComposioConnectionFilters.List(tenantId, query), ComposioConnectionFilters.ListSort, page, cancellationToken);

    public Task<Outcome<ComposioConnection>> UpdateTokensAsync(
        string tenantId, string connectionId, string encryptedAccessToken, string? encryptedRefreshToken, DateTime? expiresAt, DateTime now,
        CancellationToken cancellationToken = default)
        => UpdateAsync(tenantId, connectionId,
            ComposioConnectionFilters.ReplaceTokens(encryptedAccessToken, encryptedRefreshToken, UtcTime.Normalize(expiresAt), UtcTime.Normalize(now)),
            cancellationToken);

    public Task<Outcome<ComposioConnection>> UpdateStatusAsync(string tenantId, string connectionId, ComposioConnectionStatus status, DateTime now, CancellationToken cancellationToken = default)
        => UpdateAsync(tenantId, connectionId, ComposioConnectionFilters.SetStatus(status, UtcTime.Normalize(now)), cancellationToken);

    public Task<bool> TouchLastUsedAsync(string tenantId, string connectionId, DateTime usedAt, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Connection(tenantId, connectionId), async () =>
    {
        var result = await Connections.UpdateOneAsync(
            ComposioConnectionFilters.ById(tenantId, connectionId),
            ComposioConnectionFilters.TouchLastUsed(UtcTime.Normalize(usedAt)),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }, cancellationToken);

    public Task<bool> DeleteAsync(string tenantId, string connectionId, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Connection(tenantId, connectionId),
            async () => (await Connections.DeleteOneAsync(ComposioConnectionFilters.ById(tenantId, connectionId), cancellationToken)).DeletedCount == 1, cancellationToken);

    private Task<Outcome<ComposioConnection>> UpdateAsync(
        string tenantId, string connectionId, UpdateDefinition<ComposioConnection> update, CancellationToken cancellationToken)
        => Capture.RunAsync(CaptureKeys.Connection(tenantId, connectionId), async () =>
        {
            var updated = await Connections.FindOneAndUpdateAsync(ComposioConnectionFilters.ById(tenantId, connectionId), update, ReturnAfter, cancellationToken);
            return updated is null ? Outcome.NotFound<ComposioConnection>() : Outcome.Ok(updated);
        }, cancellationToken);
}
