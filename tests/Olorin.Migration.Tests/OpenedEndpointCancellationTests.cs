using Npgsql;
using Olorin.Cli.Cli;
using Olorin.Persistence.Postgres.Schema;
using Olorin.Testing;

namespace Olorin.Migration.Tests;

/// <summary>
/// An endpoint cancelled while it opens closes what it had built: no connection of its pool stays on the database.
/// The opening is stopped at a known point: preparing an empty target waits for the schema script's advisory lock,
/// which the test holds.
/// </summary>
public sealed class OpenedEndpointCancellationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_opening_cancelled_while_it_prepares_the_target_leaves_no_connection_on_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var holder = new NpgsqlConnection(database.ConnectionString);
        await holder.OpenAsync(Ct);
        await using var holding = await holder.BeginTransactionAsync(Ct);
        await ExecuteAsync(holder, $"SELECT pg_advisory_xact_lock({PostgresSchemaScript.AdvisoryLock})");
        // Watched from outside the holder's transaction: inside it, pg_stat_activity is one snapshot.
        await using var observer = new NpgsqlConnection(database.ConnectionString);
        await observer.OpenAsync(Ct);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var spec = new EndpointSpec(Backend.Postgres, database.Name, database.ConnectionString, Mongo: null);
        var opening = Task.Run(() => OpenedEndpoint.OpenAsync(spec, "target", prepare: true, cancel.Token), Ct);

        // Cancelled once its preparation waits for the lock (it has used its pool by then: the emptiness probe).
        while (await OthersAsync(observer, holder, waitingForTheLock: true) == 0)
        {
            Assert.False(opening.IsCompleted, $"the opening ended before it waited for the lock: {opening.Exception}");
            await Task.Delay(20, Ct);
        }
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => opening);

        // A closed connection's backend ends just after the client goes: wait for that, not for a pool's idle timeout
        // (300 s); the bound only makes a connection that stays fail the test.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (await OthersAsync(observer, holder, waitingForTheLock: false) is var left and > 0)
        {
            if (deadline.IsCancellationRequested) Assert.Fail($"{left} connection(s) of the cancelled opening stayed on the target");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Backends on the test's database other than the test's own two.</summary>
    private static async Task<long> OthersAsync(NpgsqlConnection observer, NpgsqlConnection holder, bool waitingForTheLock)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), {holder.ProcessID})"
            + (waitingForTheLock ? " AND wait_event_type = 'Lock' AND wait_event = 'advisory'" : ""), observer);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
