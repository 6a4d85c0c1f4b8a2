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
/// </summary>
internal static class InvestigationByIdReader
{
    private const string Sql = """
        SELECT investigation_id, user_id, tenant_id, lifecycle_stage, status, settings::text, progress::text, results::text,
               version, created_at, updated_at, last_accessed, metadata::text
        FROM investigation_states WHERE tenant_id = $1 AND investigation_id = $2
        """;

    public static async Task<Investigation?> ReadAsync(NpgsqlDataSource dataSource, string tenantId, string investigationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = investigationId });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Investigation
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
    }

    private static JsonObject? Json(NpgsqlDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<JsonObject>(reader.GetString(ordinal), OlorinJson.Options);
}
