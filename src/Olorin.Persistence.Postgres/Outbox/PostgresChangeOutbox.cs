using System.Data;
using Microsoft.EntityFrameworkCore;
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
/// keys' current state (READ COMMITTED: each statement sees what is committed when it starts) and lets the caller apply
/// it to the secondary. The claim deletes the claimed entries in the same transaction (one statement instead of a
/// claim and a delete), so they are gone only if the batch commits: a failed apply or a killed process gives them
/// back. A change committed after the claim has its own entry, left for the next batch. Keys the secondary refuses
/// are counted in <c>change_relay_failures</c> and become dead letters after <c>OUTBOX_RELAY_MAX_ATTEMPTS</c>; their
/// back-off (<see cref="RefusalBackoff"/>) runs on <paramref name="clock"/>, as the MongoDB outbox's does.
/// </summary>
internal sealed class PostgresChangeOutbox(NpgsqlDataSource dataSource, RelayConnections relayConnections, TimeProvider clock) : IChangeOutbox
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
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM change_outbox), (SELECT min(changed_at) FROM change_outbox),
                   (SELECT count(*) FROM change_relay_failures WHERE dead_lettered_at IS NOT NULL)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxDepth(reader.GetInt64(0), reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), reader.GetInt64(2));
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

    /// <summary>
    /// One relay batch in one transaction and four kinds of round trip: the claim (one statement: it deletes up to
    /// <paramref name="maxEntries"/> entries no other relay holds, takes the keys' advisory locks in hash order and
    /// returns each key, <see cref="ClaimSql"/>), one read of the current state per
    /// collection, the settlement (<see cref="SettleSql"/>: refused keys are counted, applied keys lose any failure
    /// record) and the commit. The deleted entries come back if anything fails before the commit, or if the process
    /// dies (the transaction never commits), so nothing claimed can be lost. Refused keys
    /// (<see cref="ChangeRefusedException"/>) are isolated one by one.
    /// </summary>
    public async Task<RelayBatch> RelayAsync(int maxEntries, int maxAttempts, RefusalBackoff backoff, Func<ChangeSet, CancellationToken, Task> apply, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        await using var db = await relayConnections.RentAsync(cancellationToken);
        var transfer = new PostgresChangeTransfer(db);
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        // Committed without waiting for the WAL flush (RelayConnections: synchronous_commit off on the relay's pool).
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        var claimed = new List<Claimed>();
        var entries = 0;
        await using (var claim = new NpgsqlCommand(ClaimSql, connection))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = maxEntries });
            claim.Parameters.Add(new NpgsqlParameter { Value = backoff.First.TotalMilliseconds });
            claim.Parameters.Add(new NpgsqlParameter { Value = backoff.Max.TotalMilliseconds });
            claim.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            // Every statement of a batch is prepared: fixed text, parsed once per connection of the relay's pool
            // (RelayConnections), and planned per execution there, with the batch's own arguments.
            await claim.PrepareAsync(cancellationToken);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new Claimed(new ChangeKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)),
                    reader.GetFieldValue<DateTime>(3)));
                entries += (int)reader.GetInt64(4);
            }
        }
        if (claimed.Count == 0) return new RelayBatch(0, 0);

        var refused = new Dictionary<ChangeKey, string>();
        foreach (var group in claimed.GroupBy(c => c.Key.Collection, StringComparer.Ordinal))
        {
            var collectionKeys = group.Select(c => c.Key).ToList();
            var current = await transfer.ReadCurrentAsync(group.Key, collectionKeys, cancellationToken);
            try
            {
                await apply(new ChangeSet(group.Key, collectionKeys, current), cancellationToken);
            }
            catch (ChangeRefusedException)
            {
                // One document (or a few) the other store will not take: apply the keys one by one, so only those wait.
                foreach (var key in collectionKeys)
                {
                    var one = current.TryGetValue(key, out var document) ? new Dictionary<ChangeKey, object> { [key] = document } : [];
                    try
                    {
                        await apply(new ChangeSet(group.Key, [key], one), cancellationToken);
                    }
                    catch (ChangeRefusedException e)
                    {
                        refused[key] = e.Message;
                    }
                }
            }
        }

        // Every applied key, not only those the claim saw failing: the claim read the failures with its snapshot from
        // before it waited for the key locks, so another relay's dead letter of the key committed meanwhile is unseen.
        var cleared = claimed.Where(c => !refused.ContainsKey(c.Key)).Select(c => c.Key).ToList();
        // RefusalBackoff's reference instant: after the apply, on the relay's clock (not now(), the transaction's start).
        var refusedAt = clock.GetUtcNow();
        var failed = claimed.Where(c => refused.ContainsKey(c.Key)).ToList();
        await using var settle = new NpgsqlCommand(SettleSql, connection);
        settle.Parameters.Add(new NpgsqlParameter { Value = failed.Select(c => c.Key.Collection).ToArray() });
        settle.Parameters.Add(new NpgsqlParameter { Value = failed.Select(c => c.Key.TenantId).ToArray() });
        settle.Parameters.Add(new NpgsqlParameter { Value = failed.Select(c => c.Key.Id).ToArray() });
        settle.Parameters.Add(new NpgsqlParameter { Value = failed.Select(c => refused[c.Key]).ToArray() });
        settle.Parameters.Add(new NpgsqlParameter { Value = failed.Select(c => c.ChangedAt).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz });
        settle.Parameters.Add(new NpgsqlParameter { Value = maxAttempts });
        settle.Parameters.Add(new NpgsqlParameter { Value = cleared.Select(k => k.Collection).ToArray() });
        settle.Parameters.Add(new NpgsqlParameter { Value = cleared.Select(k => k.TenantId).ToArray() });
        settle.Parameters.Add(new NpgsqlParameter { Value = cleared.Select(k => k.Id).ToArray() });
        settle.Parameters.Add(new NpgsqlParameter { Value = refusedAt });
        await settle.PrepareAsync(cancellationToken);
        var deadLettered = (int)(long)(await settle.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new RelayBatch(entries, claimed.Count - refused.Count, refused.Count, deadLettered);
    }

    private sealed record Claimed(ChangeKey Key, DateTime ChangedAt);

    /// <summary>
    /// Claims and removes (uncommitted) up to $1 entries with <c>FOR UPDATE SKIP LOCKED</c>, so relays of several
    /// instances take disjoint entries and writers, who only insert, never wait; then takes one transaction-scoped
    /// advisory lock per distinct key, in hash order (<c>change_outbox_lock_keys</c>: two relays never deadlock), so
    /// two relays holding entries of one key apply them one after the other, each reading the state committed before
    /// its own read. One row per key: its oldest change and its entries. (Failure records are not read here: this
    /// statement's snapshot predates the locks it waits for; <see cref="SettleSql"/> works on committed rows.)
    /// Every CTE is <c>MATERIALIZED</c> so each runs once (https://www.postgresql.org/docs/15/queries-with.html).
    /// A key the other store refused and whose back-off (<see cref="RefusalBackoff.IsWaiting"/>: $2 ms after the
    /// refusal recorded in <c>last_failed_at</c>, doubling per attempt, at most $3 ms) has not passed at $4 (the
    /// relay's clock, as the refusal time was) is left unclaimed, its entries unlocked. Without back-off ($2 = 0, <see cref="RefusalBackoff.Waits"/> false, a
    /// drain: <see cref="RefusalBackoff.None"/>) the failures are not looked at at all: a refusal stamped by another
    /// instance whose clock is ahead of this one's would otherwise still be "waiting" (<c>last_failed_at + 0 &gt; $4</c>),
    /// and a drain, which ends at its first empty claim, would leave the key behind. The uncorrelated
    /// <c>NOT EXISTS</c> is evaluated once per statement (an InitPlan), so while no key waits the claim reads the
    /// outbox in <c>seq</c> order and stops at the limit without looking at the failures per entry.
    /// The claimed sequence numbers reach the <c>DELETE</c> as an array (<c>seq = ANY (ARRAY(…))</c>), an index
    /// condition on the primary key: as <c>seq IN (subquery)</c> the planner hash-joined a sequential scan of the whole
    /// outbox whenever its statistics were from an emptier table (the first minute after capture is switched on), so
    /// each batch cost more the further the relay fell behind.
    /// </summary>
    internal const string ClaimSql = """
        WITH claimed AS MATERIALIZED (
            DELETE FROM change_outbox
            WHERE seq = ANY (ARRAY(
                SELECT o.seq FROM change_outbox o
                WHERE $2 <= 0
                   OR NOT EXISTS (SELECT 1 FROM change_relay_failures WHERE dead_lettered_at IS NULL AND last_failed_at + $3 * interval '1 millisecond' > $4)
                   OR NOT EXISTS (SELECT 1 FROM change_relay_failures f
                                  WHERE f.collection = o.collection AND f.tenant_id = o.tenant_id AND f.document_id = o.document_id
                                    AND f.dead_lettered_at IS NULL
                                    AND f.last_failed_at + least($2 * power(2, least(f.attempts, 41) - 1), $3) * interval '1 millisecond' > $4)
                ORDER BY o.seq LIMIT $1 FOR UPDATE OF o SKIP LOCKED))
            RETURNING collection, tenant_id, document_id, changed_at),
        keys AS MATERIALIZED (
            SELECT collection, tenant_id, document_id, min(changed_at) AS changed_at, count(*) AS entries,
                   hashtextextended(collection || chr(31) || tenant_id || chr(31) || document_id, 0) AS h
            FROM claimed GROUP BY collection, tenant_id, document_id),
        locked AS MATERIALIZED (SELECT 1 AS done FROM change_outbox_lock_keys(ARRAY(SELECT DISTINCT h FROM keys ORDER BY h)))
        SELECT k.collection, k.tenant_id, k.document_id, k.changed_at, k.entries
        FROM keys k CROSS JOIN locked
        """;

    /// <summary>
    /// Settles a batch: each refused key ($1–$5: key, error, oldest
    /// change) counts one attempt more, refused at $10 (<see cref="RefusalBackoff.RetryAt"/>'s reference instant); below $6 attempts its entry goes back in the outbox (behind the others, with
    /// its original change time), at $6 it becomes a dead letter and leaves the outbox. Keys applied now ($7–$9)
    /// lose their failure record, dead letter included (the secondary holds their current state). Returns the keys
    /// dead-lettered by this statement. Data-modifying CTEs run to completion whether or not the outer query reads
    /// them (https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-MODIFYING).
    /// </summary>
    internal const string SettleSql = """
        WITH refused AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS r(collection, tenant_id, document_id, error, changed_at)),
        counted AS (
            INSERT INTO change_relay_failures AS f (collection, tenant_id, document_id, attempts, error, first_changed_at, last_failed_at, dead_lettered_at)
            SELECT collection, tenant_id, document_id, 1, error, changed_at, $10, CASE WHEN 1 >= $6 THEN $10::timestamptz END FROM refused
            ON CONFLICT (collection, tenant_id, document_id) DO UPDATE SET
                attempts = f.attempts + 1, error = EXCLUDED.error, last_failed_at = $10,
                first_changed_at = least(f.first_changed_at, EXCLUDED.first_changed_at),
                dead_lettered_at = CASE WHEN f.attempts + 1 >= $6 THEN $10::timestamptz END
            RETURNING collection, tenant_id, document_id, dead_lettered_at IS NOT NULL AS dead),
        requeued AS (
            INSERT INTO change_outbox (collection, tenant_id, document_id, changed_at)
            SELECT r.collection, r.tenant_id, r.document_id, r.changed_at FROM refused r JOIN counted c USING (collection, tenant_id, document_id)
            WHERE NOT c.dead
            RETURNING 1),
        cleared AS (
            DELETE FROM change_relay_failures f USING unnest($7::text[], $8::text[], $9::text[]) AS k(collection, tenant_id, document_id)
            WHERE f.collection = k.collection AND f.tenant_id = k.tenant_id AND f.document_id = k.document_id
            RETURNING 1)
        SELECT count(*) FROM counted WHERE dead
        """;

    public async Task<long> RetryDeadLettersAsync(CancellationToken cancellationToken = default)
    {
        // One statement: the dead letters leave the failure store and their keys enter the outbox, or neither.
        await using var command = dataSource.CreateCommand("""
            WITH retried AS (
                DELETE FROM change_relay_failures WHERE dead_lettered_at IS NOT NULL
                RETURNING collection, tenant_id, document_id, first_changed_at)
            INSERT INTO change_outbox (collection, tenant_id, document_id, changed_at)
            SELECT collection, tenant_id, document_id, first_changed_at FROM retried
            """);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT collection, tenant_id, document_id, attempts, error, first_changed_at, dead_lettered_at
            FROM change_relay_failures WHERE dead_lettered_at IS NOT NULL ORDER BY dead_lettered_at, collection, tenant_id, document_id LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            letters.Add(new DeadLetter(new ChangeKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)), reader.GetInt32(3), reader.GetString(4),
                new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero), new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero)));
        return letters;
    }
}
