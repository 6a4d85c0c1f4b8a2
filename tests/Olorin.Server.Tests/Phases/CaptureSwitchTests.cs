using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Phases;
using Olorin.Persistence.Postgres;
using Olorin.Testing;

namespace Olorin.Server.Tests.Phases;

/// <summary>
/// The capture switch on PostgreSQL: with capture off no capture trigger exists, so writes pay nothing for it; switched
/// on, the triggers exist and every write is captured; switched off again they are gone. Setting the state it is
/// already in changes nothing.
/// </summary>
public sealed class CaptureSwitchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct));
    }

    private const string CaptureTriggers = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE '%capture%'";

    [Fact]
    public async Task Capture_triggers_exist_only_while_capture_is_on()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var store = PostgresPersistence.BuildStoreProvider(database.ConnectionString);
        await store.MigratePostgresAsync(Ct);
        var outbox = store.GetRequiredService<IChangeOutbox>();

        Assert.False(await outbox.IsCaptureOnAsync(Ct));
        Assert.Equal(0, await ScalarAsync(database.ConnectionString, CaptureTriggers));
        await ScalarAsync(database.ConnectionString, "UPDATE investigation_states SET updated_at = now(); INSERT INTO investigation_states (tenant_id, investigation_id, user_id, lifecycle_stage, status, version, created_at, updated_at, metadata) VALUES ('t', 'i-off', 'u', 'CREATED', 'CREATED', 1, now(), now(), '{}'); SELECT 0");
        Assert.Equal(0, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM change_outbox"));

        await outbox.SetCaptureAsync(true, Ct);
        Assert.True(await outbox.IsCaptureOnAsync(Ct));
        Assert.Equal(30, await ScalarAsync(database.ConnectionString, CaptureTriggers));
        await outbox.SetCaptureAsync(true, Ct); // already on: nothing changes
        Assert.Equal(30, await ScalarAsync(database.ConnectionString, CaptureTriggers));
        await ScalarAsync(database.ConnectionString, "UPDATE investigation_states SET updated_at = now() WHERE investigation_id = 'i-off'; SELECT 0");
        Assert.Equal(1, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM change_outbox WHERE collection = 'investigations' AND document_id = 'i-off'"));

        await outbox.SetCaptureAsync(false, Ct);
        Assert.False(await outbox.IsCaptureOnAsync(Ct));
        Assert.Equal(0, await ScalarAsync(database.ConnectionString, CaptureTriggers));
        await ScalarAsync(database.ConnectionString, "DELETE FROM investigation_states WHERE investigation_id = 'i-off'; SELECT 0");
        Assert.Equal(1, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM change_outbox"));
    }
}
