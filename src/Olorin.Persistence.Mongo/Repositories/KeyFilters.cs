using System.Linq.Expressions;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Filters and sort of the bulk-transfer half of the repositories. These are the only queries that span tenants
/// (export and migration move every tenant's documents). Ids are unique per tenant (Decision 4 revised), so a
/// document's key is (tenant_id, id); only the audit log's generated entry ids are a key alone.
/// Without a collation MongoDB compares strings by simple binary comparison of their UTF-8 bytes
/// (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/#strings), which is the ordinal order
/// the port asks for; no collection or index here has a collation.
/// </summary>
public static class KeyFilters
{
    /// <summary>Documents whose key is strictly after <paramref name="after"/> (every document when null).</summary>
    public static FilterDefinition<T> After<T>(Expression<Func<T, string>> key, string? after)
        => after is null ? Builders<T>.Filter.Empty : Builders<T>.Filter.Gt(key, after);

    public static SortDefinition<T> Ascending<T>(Expression<Func<T, string>> key) => Builders<T>.Sort.Ascending(new ExpressionFieldDefinition<T>(key));

    public static FilterDefinition<T> Is<T>(Expression<Func<T, string>> key, string value) => Builders<T>.Filter.Eq(key, value);

    public static FilterDefinition<T> In<T>(Expression<Func<T, string>> key, IEnumerable<string> values) => Builders<T>.Filter.In(key, values);

    /// <summary>Documents whose (tenant, id) is strictly after <paramref name="after"/> (every document for the default key).</summary>
    public static FilterDefinition<T> After<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, TenantKey after)
        => after == default
            ? Builders<T>.Filter.Empty
            : Builders<T>.Filter.Gt(tenant, after.TenantId)
              | (Builders<T>.Filter.Eq(tenant, after.TenantId) & Builders<T>.Filter.Gt(id, after.Id));

    public static SortDefinition<T> Ascending<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id)
        => Builders<T>.Sort.Ascending(new ExpressionFieldDefinition<T>(tenant)).Ascending(new ExpressionFieldDefinition<T>(id));

    public static FilterDefinition<T> Is<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, TenantKey key)
        => Builders<T>.Filter.Eq(tenant, key.TenantId) & Builders<T>.Filter.Eq(id, key.Id);

    /// <summary>The documents of one tenant with any of <paramref name="ids"/>.</summary>
    public static FilterDefinition<T> In<T>(Expression<Func<T, string>> tenant, Expression<Func<T, string>> id, string tenantId, IEnumerable<string> ids)
        => Builders<T>.Filter.Eq(tenant, tenantId) & Builders<T>.Filter.In(id, ids);
}
