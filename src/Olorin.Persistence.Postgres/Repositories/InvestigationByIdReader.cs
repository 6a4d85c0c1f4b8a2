using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The by-id read of an investigation, the API's hottest query, with Npgsql and a hand-mapped reader instead of EF
/// (issue #12: EF's query pipeline and materialiser cost more CPU than the rest of the request). The columns and
/// conversions are <see cref="InvestigationColumns.Served"/>'s and the EF model's: enums by their wire spelling
/// (<see cref="Conversion.WireEnumConverter{TEnum}"/>), jsonb through <see cref="OlorinJson.Options"/>
/// (<see cref="Conversion.JsonColumn"/>). <c>PostgresInvestigationReadTests</c> checks both reads give the same document.
/// The statements are prepared on each pooled physical connection the first time it runs them (Npgsql keeps a
/// prepared statement across pool returns, and preparing SQL already prepared on the connection is a no-op), so
/// PostgreSQL parses and plans them once per connection instead of once per request.
/// </summary>
internal static class InvestigationByIdReader
{
    /// <summary>The served columns, in the order <see cref="Map"/> reads them (also a DELETE's RETURNING list).</summary>
    internal const string Columns = """
        investigation_id, user_id, tenant_id, lifecycle_stage, status, settings::text, progress::text, results::text,
        version, created_at, updated_at, last_accessed, metadata::text
        """;

    private const string Sql = $"SELECT {Columns} FROM investigation_states WHERE tenant_id = $1 AND investigation_id = $2";

    /// <summary>The same row, locked until the transaction ends: the before image of an audited write.</summary>
    private const string ForUpdateSql = $"{Sql} FOR UPDATE";

    public static async Task<Investigation?> ReadAsync(NpgsqlDataSource dataSource, string tenantId, string investigationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, Sql, tenantId, investigationId, cancellationToken);
    }

    /// <summary>Inside <paramref name="connection"/>'s open transaction: the row <c>FOR UPDATE</c>.</summary>
    public static Task<Investigation?> LockAsync(NpgsqlConnection connection, string tenantId, string investigationId, CancellationToken cancellationToken)
        => ReadAsync(connection, ForUpdateSql, tenantId, investigationId, cancellationToken);

    private static async Task<Investigation?> ReadAsync(NpgsqlConnection connection, string sql, string tenantId, string investigationId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = investigationId });
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Map(reader) : null;
    }

    /// <summary>The current row of <paramref name="reader"/>, whose columns are <see cref="Columns"/>.</summary>
    internal static Investigation Map(NpgsqlDataReader reader) => new()
    {
        InvestigationId = reader.GetString(0),
        UserId = reader.GetString(1),
        TenantId = reader.GetString(2),
        LifecycleStage = WireEnum.Parse<LifecycleStage>(reader.GetString(3)),
        Status = WireEnum.Parse<InvestigationStatus>(reader.GetString(4)),
        Settings = Json(reader, 5),
        Progress = Json(reader, 6),
        Results = Json(reader, 7),
        Version = reader.GetInt32(8),
        CreatedAt = reader.GetDateTime(9),
        UpdatedAt = reader.GetDateTime(10),
        LastAccessed = reader.IsDBNull(11) ? null : reader.GetDateTime(11),
        Metadata = Json(reader, 12)!,
    };

    private static JsonObject? Json(NpgsqlDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<JsonObject>(reader.GetString(ordinal), OlorinJson.Options);
}
