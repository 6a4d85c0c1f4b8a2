using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// What the WriteStallsUnderLoad migration leaves in a migrated database (docs/performance.md, "Session 8: POST P99"):
/// counted writes spread over <see cref="RowCountSql.Slots"/> slots by backend pid, the full-text GIN index without a
/// pending list, and row_counts never truncated by VACUUM; and what OutboxVacuumTruncateOff leaves: change_outbox never
/// truncated by VACUUM either.
/// </summary>
public sealed class PostgresWriteStallTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NpgsqlDataSource DataSource => fixture.Shared.Services.GetRequiredService<NpgsqlDataSource>();

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.AddWithValue(value);
        return await command.ExecuteScalarAsync(Ct) is T result ? result : default!;
    }

    [Fact]
    public async Task A_counted_insert_lands_in_the_slot_of_its_backend_pid_modulo_64()
    {
        Assert.Equal(64, RowCountSql.Slots);
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        var pid = await ScalarAsync<int>(connection, "SELECT pg_backend_pid()");
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO investigation_states (tenant_id, investigation_id, user_id, lifecycle_stage, status, version, created_at, updated_at, metadata)
            VALUES ($1, 'inv-1', 'u', 'CREATED', 'CREATED', 1, now(), now(), '{}')
            """, connection))
        {
            insert.Parameters.AddWithValue(tenant);
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var slot = await ScalarAsync<short>(connection,
            "SELECT slot FROM row_counts WHERE table_name = 'investigation_states' AND tenant_id = $1 AND dimension = ''", tenant);
        Assert.Equal(pid % 64, slot);
        foreach (var (table, _) in RowCountSql.Counted.Concat(RowCountSql.CountedSinceEveryList))
            Assert.Contains("pg_backend_pid() % 64", await ScalarAsync<string>(connection, $"SELECT pg_get_functiondef('{table}_count_rows'::regproc)"));
    }

    [Fact]
    public async Task The_search_index_has_no_pending_list_and_neither_row_counts_nor_the_outbox_is_truncated_by_vacuum()
    {
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        async Task<string[]> Options(string relation)
            => await ScalarAsync<string[]?>(connection, "SELECT reloptions FROM pg_class WHERE relname = $1", relation) ?? [];

        Assert.Contains("fastupdate=false", await Options("ix_investigation_states_search_vector"));
        Assert.Contains("vacuum_truncate=false", await Options("row_counts"));
        Assert.Contains("vacuum_truncate=false", await Options("change_outbox"));
    }
}
