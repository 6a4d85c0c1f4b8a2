using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Phases;

namespace Olorin.Persistence.Postgres.Outbox;

/// <summary>
/// The PostgreSQL <see cref="IChangeOutbox"/> over <c>change_outbox</c> (filled by the capture triggers,
/// <see cref="ChangeCaptureSql"/>). A relay batch is one transaction: it claims entries with
/// <c>FOR UPDATE SKIP LOCKED</c> (https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE), so
/// relays of several server instances take disjoint entries and writers, who only insert, never wait for a relay; it
/// takes a transaction-scoped advisory lock per key
/// (https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS), so two relays holding entries of the
/// same key apply them one after the other, each copying the state it read after the other's commit; it reads the
/// keys' current state (READ COMMITTED: each statement sees what is committed when it starts), lets the caller apply
/// it to the secondary and deletes exactly the claimed entries when that succeeded. A change committed after the
/// claim has its own entry, left for the next batch.
/// </summary>
public sealed class PostgresChangeOutbox(NpgsqlDataSource dataSource, IServiceScopeFactory scopes) : IChangeOutbox
{
    public async Task<bool> IsCaptureOnAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT enabled FROM change_capture WHERE id = 1");
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Sets the switch and, in the same transaction, creates or drops the capture triggers
    /// (<see cref="ChangeCaptureSql.CreateTriggers"/>): with capture off no write pays for them. Nothing is done (no
    /// DDL, no lock) when switch and triggers already agree, as on every start-up in the same phase. CREATE TRIGGER
    /// waits for the writes in flight on each table; every write that commits after this transaction is captured.
    /// </summary>
    public async Task SetCaptureAsync(bool on, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SetCaptureOnceAsync(on, cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable && attempt < 10)
            {
                // The DDL met a writer holding another captured table in the opposite order, or waited longer than
                // lock_timeout behind a long query (while it waits, every query on that table queues behind it): try again.
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
        }
    }

    private async Task SetCaptureOnceAsync(bool on, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var serialise = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('olorin change_capture', 0))", connection, transaction))
            await serialise.ExecuteNonQueryAsync(cancellationToken);
        // DROP/CREATE TRIGGER take ACCESS EXCLUSIVE / SHARE ROW EXCLUSIVE locks: a DDL waiting behind a long query would
        // make every later query on that table wait behind it, so it gives up after 2 s and the loop above retries.
        await using (var timeout = new NpgsqlCommand("SET LOCAL lock_timeout = '2s'", connection, transaction))
            await timeout.ExecuteNonQueryAsync(cancellationToken);

        long triggers;
        await using (var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY($1) AND tgrelid = ANY(SELECT to_regclass(t) FROM unnest($2::text[]) t)",
            connection, transaction))
        {
            count.Parameters.Add(new NpgsqlParameter { Value = ChangeCaptureSql.TriggerNames });
            count.Parameters.Add(new NpgsqlParameter { Value = ChangeCaptureSql.Tables.Select(t => t.Table).ToArray() });
            triggers = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        var wanted = on ? ChangeCaptureSql.TriggerNames.Length : 0;
        if (triggers != wanted)
        {
            var ddl = string.Join("\n", ChangeCaptureSql.Tables.Select(t => on ? ChangeCaptureSql.CreateTriggers(t) : ChangeCaptureSql.DropTriggers(t)));
            await using var change = new NpgsqlCommand(ddl, connection, transaction);
            await change.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var flag = new NpgsqlCommand(
            "UPDATE change_capture SET enabled = $1, changed_at = now() WHERE id = 1 AND enabled IS DISTINCT FROM $1", connection, transaction))
        {
            flag.Parameters.Add(new NpgsqlParameter { Value = on });
            await flag.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<OutboxDepth> DepthAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*), min(changed_at) FROM change_outbox");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxDepth(reader.GetInt64(0), reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero));
    }

    public async Task RecordAsync(IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0) return;
        await using var command = dataSource.CreateCommand(
            "INSERT INTO change_outbox (collection, tenant_id, document_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])");
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Collection).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.TenantId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Id).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsPendingAsync(string collection, string tenantId, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM change_outbox WHERE collection = $1 AND tenant_id = $2 AND document_id = $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = collection });
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task<RelayBatch> RelayAsync(int maxEntries, Func<ChangeSet, CancellationToken, Task> apply, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        var transfer = new PostgresChangeTransfer(db);
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        var sequences = new List<long>();
        var keys = new Dictionary<ChangeKey, long>();
        await using (var claim = connection.CreateCommand())
        {
            claim.CommandText = """
                SELECT seq, collection, tenant_id, document_id,
                       hashtextextended(collection || chr(31) || tenant_id || chr(31) || document_id, 0)
                FROM change_outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
                """;
            claim.Parameters.Add(new NpgsqlParameter { Value = maxEntries });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sequences.Add(reader.GetInt64(0));
                keys.TryAdd(new ChangeKey(reader.GetString(1), reader.GetString(2), reader.GetString(3)), reader.GetInt64(4));
            }
        }
        if (sequences.Count == 0) return new RelayBatch(0, 0);

        await using (var lockKeys = connection.CreateCommand())
        {
            lockKeys.CommandText = "SELECT change_outbox_lock_keys($1)";
            lockKeys.Parameters.Add(new NpgsqlParameter { Value = keys.Values.Distinct().Order().ToArray() });
            await lockKeys.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var group in keys.Keys.GroupBy(k => k.Collection, StringComparer.Ordinal))
        {
            var collectionKeys = group.ToList();
            var current = await transfer.ReadCurrentAsync(group.Key, collectionKeys, cancellationToken);
            await apply(new ChangeSet(group.Key, collectionKeys, current), cancellationToken);
        }

        await using (var remove = connection.CreateCommand())
        {
            remove.CommandText = "DELETE FROM change_outbox WHERE seq = ANY($1)";
            remove.Parameters.Add(new NpgsqlParameter { Value = sequences.ToArray() });
            await remove.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new RelayBatch(sequences.Count, keys.Count);
    }
}
