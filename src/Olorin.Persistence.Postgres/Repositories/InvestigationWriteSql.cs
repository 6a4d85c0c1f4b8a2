using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The audited investigation writes of the API without EF (issue #12: EF's change tracking of four jsonb columns, and an
/// <c>ExecuteUpdate</c> whose setters depended on the patch, a new query per shape, cost more CPU than the rest of the
/// request). Fixed SQL, prepared once per pooled connection; columns and conversions are the EF model's: enums by their
/// wire spelling, jsonb through <see cref="OlorinJson.Options"/>, the embedding as pgvector's <c>vector</c>.
/// <para>
/// A create is the row's INSERT and the audit entry's INSERT in one batch: one round trip, and atomic — Npgsql sends
/// one Sync after the batch, so "any exception in a command causes later commands in the batch to be skipped, and
/// earlier commands to be rolled back" (https://www.npgsql.org/doc/api/Npgsql.NpgsqlBatchCommand.html, AppendErrorBarrier).
/// </para>
/// An update is the write half of an audited update, as two fixed statements sent in one batch: the UPDATE of every
/// patchable column (<c>COALESCE($n, column)</c>: a member the patch leaves null keeps the stored value, the same rule as
/// <see cref="InvestigationPatch.ApplyTo"/>; no patch member can set null) guarded on the version, and the INSERT of the
/// audit entry. The SQL is the same for every patch, so each pooled connection prepares it once.
/// <para>
/// A delete is one statement whose WHERE holds the owner and version guards and which also deletes the transaction
/// scores, returning the deleted row; then the DELETE entry built by Core from that row, then COMMIT. No read first:
/// only a refused or missing row is read (locked) afterwards, to tell Core's outcomes apart.
/// </para>
/// </summary>
internal static class InvestigationWriteSql
{
    internal const string Insert = """
        INSERT INTO investigation_states (tenant_id, investigation_id, user_id, lifecycle_stage, status, settings, progress,
            results, version, created_at, updated_at, last_accessed, metadata, embedding)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        """;

    internal const string Update = """
        UPDATE investigation_states SET
            lifecycle_stage = COALESCE($3, lifecycle_stage), status = COALESCE($4, status),
            settings = COALESCE($5, settings), progress = COALESCE($6, progress), results = COALESCE($7, results),
            metadata = COALESCE($8, metadata), embedding = CASE WHEN $9 THEN NULL ELSE embedding END,
            version = $10, updated_at = $11
        WHERE tenant_id = $1 AND investigation_id = $2 AND version = $12
        """;

    /// <summary>
    /// The row, guarded by the owner and version the caller may require ($3, $4: null = any), and its transaction
    /// scores only when the row went (one statement: data-modifying WITH queries run together, on one snapshot);
    /// returns the deleted row's served columns, the audit entry's image.
    /// </summary>
    internal const string Delete = $"""
        WITH deleted AS (
            DELETE FROM investigation_states
            WHERE tenant_id = $1 AND investigation_id = $2 AND ($3::text IS NULL OR user_id = $3) AND ($4::integer IS NULL OR version = $4)
            RETURNING {InvestigationByIdReader.Columns}
        ), scores AS (
            DELETE FROM transaction_scores WHERE tenant_id = $1 AND investigation_id = $2 AND EXISTS (SELECT FROM deleted)
        )
        SELECT * FROM deleted
        """;

    internal const string InsertAudit = """
        INSERT INTO investigation_audit_log (entry_id, investigation_id, user_id, tenant_id, action_type, source, "timestamp",
            changes, state_snapshot, from_version, to_version, ip_address, user_agent)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """;

    /// <summary>The row and its CREATE entry, atomically (one batch, one implicit transaction).</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, Investigation created, AuditLogEntry entry, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand(Insert);
        insert.Parameters.Add(Text(created.TenantId));
        insert.Parameters.Add(Text(created.InvestigationId));
        insert.Parameters.Add(Text(created.UserId));
        insert.Parameters.Add(Text(WireEnum.ToWire(created.LifecycleStage)));
        insert.Parameters.Add(Text(WireEnum.ToWire(created.Status)));
        insert.Parameters.Add(Jsonb(created.Settings));
        insert.Parameters.Add(Jsonb(created.Progress));
        insert.Parameters.Add(Jsonb(created.Results));
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = created.Version });
        insert.Parameters.Add(Timestamp(created.CreatedAt));
        insert.Parameters.Add(Timestamp(created.UpdatedAt));
        insert.Parameters.Add(created.LastAccessed is { } accessed ? Timestamp(accessed) : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DBNull.Value });
        insert.Parameters.Add(Jsonb(created.Metadata));
        insert.Parameters.Add(new NpgsqlParameter { Value = created.Embedding.Length == 0 ? DBNull.Value : new Vector(created.Embedding), DataTypeName = "vector" });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(AuditInsert(entry));
        await batch.PrepareAsync(cancellationToken);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="after"/> (the stored row at <paramref name="storedVersion"/> with <paramref name="patch"/>
    /// applied) and <paramref name="entry"/> inside the connection's transaction; false when no row was at that
    /// version (cannot happen under the caller's row lock, checked anyway).
    /// </summary>
    public static async Task<bool> UpdateAsync(
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
        update.Parameters.Add(Timestamp(after.UpdatedAt));
        update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = storedVersion });
        batch.BatchCommands.Add(update);

        batch.BatchCommands.Add(AuditInsert(entry));

        await batch.PrepareAsync(cancellationToken);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return update.RecordsAffected == 1;
    }

    /// <summary>
    /// Inside the connection's transaction: deletes the row (with its transaction scores) when it is there and
    /// <paramref name="owner"/> and <paramref name="expectedVersion"/> (null: any) hold; returns it, or null when no
    /// row matched (absent, or a guard failed: the caller classifies).
    /// </summary>
    public static async Task<Investigation?> DeleteAsync(
        NpgsqlConnection connection, string tenantId, string investigationId, string? owner, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Delete, connection);
        command.Parameters.Add(Text(tenantId));
        command.Parameters.Add(Text(investigationId));
        command.Parameters.Add(Text(owner));
        command.Parameters.Add(NullableInt(expectedVersion));
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? InvestigationByIdReader.Map(reader) : null;
    }

    /// <summary>Appends <paramref name="entry"/> inside the connection's transaction (prepared).</summary>
    public static async Task InsertAuditAsync(NpgsqlConnection connection, AuditLogEntry entry, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(AuditInsert(entry));
        await batch.PrepareAsync(cancellationToken);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand AuditInsert(AuditLogEntry entry)
    {
        var insert = new NpgsqlBatchCommand(InsertAudit);
        insert.Parameters.Add(Text(entry.EntryId));
        insert.Parameters.Add(Text(entry.Metadata.InvestigationId));
        insert.Parameters.Add(Text(entry.Metadata.UserId));
        insert.Parameters.Add(Text(entry.Metadata.TenantId));
        insert.Parameters.Add(Text(WireEnum.ToWire(entry.Metadata.ActionType)));
        insert.Parameters.Add(Text(WireEnum.ToWire(entry.Metadata.Source)));
        insert.Parameters.Add(Timestamp(entry.Timestamp));
        insert.Parameters.Add(Jsonb(entry.Changes));
        insert.Parameters.Add(Jsonb(entry.StateSnapshot));
        insert.Parameters.Add(NullableInt(entry.FromVersion));
        insert.Parameters.Add(NullableInt(entry.ToVersion));
        insert.Parameters.Add(Text(entry.IpAddress));
        insert.Parameters.Add(Text(entry.UserAgent));
        return insert;
    }

    private static NpgsqlParameter<DateTime> Timestamp(DateTime value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value)
        => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Jsonb<T>(T? value) where T : class
        => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, OlorinJson.Options) };

    private static NpgsqlParameter NullableInt(int? value)
        => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)value ?? DBNull.Value };
}
