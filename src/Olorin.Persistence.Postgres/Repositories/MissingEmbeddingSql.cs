using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The keys of rows whose embedding is NULL, in (tenant_id, id) order after a key. In SQL because the converted
/// embedding property cannot be compared with NULL in LINQ, and FromSql cannot map the complex properties.
/// </summary>
internal static class MissingEmbeddingSql
{
    public static async Task<List<TenantKey>> KeysAsync(
        OlorinDbContext db, string table, string idColumn, string? tenantId, TenantKey? after, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT tenant_id, {idColumn} AS id FROM {table} WHERE embedding IS NULL");
        var parameters = new List<NpgsqlParameter> { new("limit", NpgsqlDbType.Integer) { Value = limit } };
        if (tenantId is not null)
        {
            sql.Append(" AND tenant_id = @tenant_id");
            parameters.Add(new NpgsqlParameter("tenant_id", NpgsqlDbType.Varchar) { Value = tenantId });
        }
        if (after is { } key)
        {
            sql.Append($" AND (tenant_id, {idColumn}) > (@after_tenant, @after_id)");
            parameters.Add(new NpgsqlParameter("after_tenant", NpgsqlDbType.Varchar) { Value = key.TenantId });
            parameters.Add(new NpgsqlParameter("after_id", NpgsqlDbType.Varchar) { Value = key.Id });
        }
        sql.Append($" ORDER BY tenant_id, {idColumn} LIMIT @limit");
        var rows = await db.Database.SqlQueryRaw<KeyRow>(sql.ToString(), [.. parameters]).ToListAsync(cancellationToken);
        return rows.Select(r => new TenantKey(r.TenantId, r.Id)).ToList();
    }

    private sealed class KeyRow
    {
        public string TenantId { get; init; } = "";
        public string Id { get; init; } = "";
    }
}
