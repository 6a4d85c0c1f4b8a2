using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The write half of an audited investigation update, as two fixed statements sent in one batch: the UPDATE of every
/// patchable column (<c>COALESCE($n, column)</c>: a member the patch leaves null keeps the stored value, the same rule as
/// <see cref="InvestigationPatch.ApplyTo"/>; no patch member can set null) guarded on the version, and the INSERT of the
/// audit entry. The SQL is the same for every patch, so each pooled connection prepares it once (issue #12: EF's change
/// tracking of four jsonb columns, and an <c>ExecuteUpdate</c> whose setters depended on the patch, a new query per
/// shape, cost more CPU than the rest of the request). Columns and conversions are the EF model's: enums by their wire
/// spelling, jsonb through <see cref="OlorinJson.Options"/>.
/// </summary>
internal static class InvestigationUpdateSql
{
    private const string Update = """
        UPDATE investigation_states SET
            lifecycle_stage = COALESCE($3, lifecycle_stage), status = COALESCE($4, status),
            settings = COALESCE($5, settings), progress = COALESCE($6, progress), results = COALESCE($7, results),
            metadata = COALESCE($8, metadata), embedding = CASE WHEN $9 THEN NULL ELSE embedding END,
            version = $10, updated_at = $11
        WHERE tenant_id = $1 AND investigation_id = $2 AND version = $12
        """;

    private const string InsertAudit = """
        INSERT INTO investigation_audit_log (entry_id, investigation_id, user_id, tenant_id, action_type, source, "timestamp",
            changes, state_snapshot, from_version, to_version, ip_address, user_agent)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """;

    /// <summary>
    /// Writes <paramref name="after"/> (the stored row at <paramref name="storedVersion"/> with <paramref name="patch"/>
    /// applied) and <paramref name="entry"/> inside the connection's transaction; false when no row was at that
    /// version (cannot happen under the caller's row lock, checked anyway).
    /// </summary>
    public static async Task<bool> WriteAsync(
        NpgsqlConnection connection, Investigation after, int storedVersion, InvestigationPatch patch, AuditLogEntry entry,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var update = new NpgsqlBatchCommand(Update);
        update.Parameters.Add(Text(after.TenantId));
        update.Parameters.Add(Text(after.InvestigationId));
        update.Parameters.Add(Text(patch.LifecycleStage is { } stage ? WireEnum.ToWire(stage) : null));
        update.Parameters.Add(Text(patch.Status is { } status ? WireEnum.ToWire(status) : null));
        update.Parameters.Add(Jsonb(patch.Settings));
        update.Parameters.Add(Jsonb(patch.Progress));
        update.Parameters.Add(Jsonb(patch.Results));
        update.Parameters.Add(Jsonb(patch.Metadata));
        update.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = patch.ChangesEmbeddedText });
        update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = after.Version });
        update.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = after.UpdatedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = storedVersion });
        batch.BatchCommands.Add(update);

        var insert = new NpgsqlBatchCommand(InsertAudit);
        insert.Parameters.Add(Text(entry.EntryId));
        insert.Parameters.Add(Text(entry.Metadata.InvestigationId));
        insert.Parameters.Add(Text(entry.Metadata.UserId));
        insert.Parameters.Add(Text(entry.Metadata.TenantId));
        insert.Parameters.Add(Text(WireEnum.ToWire(entry.Metadata.ActionType)));
        insert.Parameters.Add(Text(WireEnum.ToWire(entry.Metadata.Source)));
        insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = entry.Timestamp, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(Jsonb(entry.Changes));
        insert.Parameters.Add(Jsonb(entry.StateSnapshot));
        insert.Parameters.Add(NullableInt(entry.FromVersion));
        insert.Parameters.Add(NullableInt(entry.ToVersion));
        insert.Parameters.Add(Text(entry.IpAddress));
        insert.Parameters.Add(Text(entry.UserAgent));
        batch.BatchCommands.Add(insert);

        await batch.PrepareAsync(cancellationToken);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return update.RecordsAffected == 1;
    }

    private static NpgsqlParameter Text(string? value)
        => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Jsonb<T>(T? value) where T : class
        => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, OlorinJson.Options) };

    private static NpgsqlParameter NullableInt(int? value)
        => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)value ?? DBNull.Value };
}
