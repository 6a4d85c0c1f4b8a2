namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoComposioConnectionRepository"/>, tenant first.</summary>
public static class ComposioConnectionFilters
{
    private static FilterDefinitionBuilder<ComposioConnection> Filter => Builders<ComposioConnection>.Filter;
    private static UpdateDefinitionBuilder<ComposioConnection> Update => Builders<ComposioConnection>.Update;

    public static FilterDefinition<ComposioConnection> ById(string tenantId, string connectionId)
        => Filter.Eq(c => c.TenantId, tenantId) & Filter.Eq(c => c.ConnectionId, connectionId);

    public static FilterDefinition<ComposioConnection> List(string tenantId, ComposioConnectionQuery query)
    {
        var filter = Filter.Eq(c => c.TenantId, tenantId);
        if (query.ToolkitName is not null) filter &= Filter.Eq(c => c.ToolkitName, query.ToolkitName);
        if (query.Status is { } status) filter &= Filter.Eq(c => c.Status, status);
        if (query.ExpiredAt is { } at)
            filter &= Filter.Lte(c => c.ExpiresAt, at) | Filter.Eq(c => c.Status, ComposioConnectionStatus.Expired);
        return filter;
    }

    /// <summary>Newest created_at first, then connection_id.</summary>
    public static SortDefinition<ComposioConnection> ListSort { get; } =
        Builders<ComposioConnection>.Sort.Descending(c => c.CreatedAt).Ascending(c => c.ConnectionId);

    public static UpdateDefinition<ComposioConnection> ReplaceTokens(string encryptedAccessToken, string? encryptedRefreshToken, DateTime? expiresAt, DateTime now)
        => Update
            .Set(c => c.EncryptedAccessToken, encryptedAccessToken)
            .Set(c => c.RefreshToken, encryptedRefreshToken)
            .Set(c => c.ExpiresAt, expiresAt)
            .Set(c => c.Status, ComposioConnectionStatus.Active)
            .Set(c => c.UpdatedAt, now);

    public static UpdateDefinition<ComposioConnection> SetStatus(ComposioConnectionStatus status, DateTime now)
        => Update.Set(c => c.Status, status).Set(c => c.UpdatedAt, now);

    public static UpdateDefinition<ComposioConnection> TouchLastUsed(DateTime usedAt) => Update.Set(c => c.LastUsedAt, usedAt);
}
