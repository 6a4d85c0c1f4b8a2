using System.Collections.Concurrent;
using Npgsql;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres.Similarity;
using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// <see cref="IRawRowTransfer"/> on PostgreSQL, the PostgreSQL → PostgreSQL fast path of the migration tools. A batch
/// is one <c>COPY (SELECT … ORDER BY key) TO STDOUT (FORMAT BINARY)</c> on the source streamed, byte for byte, into
/// <c>COPY stage FROM STDIN (FORMAT BINARY)</c> on the target (a temporary table), then one
/// <c>INSERT … SELECT FROM stage</c> with the same <c>ON CONFLICT … DO UPDATE</c> as every other bulk upsert
/// (<see cref="PostgresBulkRows.UpsertFromSql"/>), in the load's transaction (<see cref="BeginLoadAsync"/>); into a
/// table that holds nothing beyond the batch's start (a fresh load) the rows are copied straight in instead. A range digest is
/// computed by the server: the sum of each row's 64-bit hash (<see cref="RawRowHash"/>: every copied column in an exact
/// encoding, under fixed output settings, the row's record hash hashed again so that the sum is not linear in the
/// columns' hashes and values moved between rows change it). That is PostgreSQL's own hashing, the one hash partitioning relies on and
/// therefore stable across versions; it is not cryptographic, which a migration check does not need: a copy error
/// changes a row's hash like a random 64-bit value, so two differing ranges share a digest with a probability of
/// about 2^-64. Two servers of different byte order hash differently: their digests never match and every range is
/// compared by canonical form instead.
/// Columns are the table's stored columns as the catalog lists them (generated ones excluded), so no EF model is built
/// on this path; the key is the table's primary key, the order every export uses; the shape names both, with each
/// column's type and collation, so two databases exchange rows only when they store them identically.
/// </summary>
internal sealed partial class PostgresBulkRaw(NpgsqlDataSource dataSource) : IRawRowTransfer
{
    private sealed record Plan(
        string Table, IReadOnlyList<string> Keys, IReadOnlyList<string> Columns, string? Embedding, string Shape, string Upsert, string RowHash,
        IReadOnlyList<(string Column, string Type)> Types);

    // Output settings the row text depends on, pinned so that two servers' digests of equal values are equal.
    private const string DigestSettings =
        "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; " +
        "SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'";

    // A batch's commit does not wait for its WAL flush: the engine stores the batch's checkpoint afterwards in the
    // same database by an ordinary (synchronous) commit, whose flush covers the batch's earlier WAL records; a server
    // crash before that flush loses the batch and its checkpoint together, and the rerun copies the batch again.
    private const string AsyncCommit = "SET LOCAL synchronous_commit = off";

    private readonly ConcurrentDictionary<string, Task<Plan?>> plans = new(StringComparer.Ordinal);

    public async Task<string?> ShapeAsync(string collection, CancellationToken cancellationToken = default)
        => (await PlanAsync(collection, cancellationToken))?.Shape;

    public async Task<long> CountAsync(string collection, CancellationToken cancellationToken = default)
    {
        var table = PostgresCollectionTables.ByCollection.TryGetValue(collection, out var name)
            ? name : throw new InvalidOperationException($"{collection} has no raw path on PostgreSQL.");
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {Quote(table)}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<RawValueScan> ScanFlaggedValuesAsync(string collection, int embeddingDimensions, CancellationToken cancellationToken = default)
    {
        var plan = await RequiredPlanAsync(collection, cancellationToken);
        var condition = RawFlaggedValues.Condition(plan.Types, embeddingDimensions);
        // The count and the condition over the same scan: one query (and one pass over the table) per collection.
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*), {(condition is null ? "true" : $"coalesce(bool_or({condition}), false)")} FROM {Quote(plan.Table)}");
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RawValueScan(reader.GetInt64(0), reader.GetBoolean(1));
    }

    public async Task<IReadOnlyList<string>?> BoundaryAsync(string collection, IReadOnlyList<string>? after, int count, CancellationToken cancellationToken = default)
    {
        var plan = await RequiredPlanAsync(collection, cancellationToken);
        var keys = KeyList(plan);
        await using var command = dataSource.CreateCommand();
        var where = After(plan, after, command);
        command.CommandText = $"SELECT {keys} FROM (SELECT {keys} FROM {Quote(plan.Table)}{where} ORDER BY {keys} LIMIT {count}) s ORDER BY {Descending(plan)} LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var key = new string[plan.Keys.Count];
        for (var i = 0; i < key.Length; i++) key[i] = reader.GetString(i);
        return key;
    }

    public async Task ExportAsync(string collection, IReadOnlyList<string>? after, IReadOnlyList<string> upTo, Stream destination, CancellationToken cancellationToken = default)
    {
        var plan = await RequiredPlanAsync(collection, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // COPY takes no parameters: the key values go in as escape-string literals (E'…', ' and \ doubled), which
        // read the same whatever standard_conforming_strings is.
        var range = Range(plan, after, upTo, Literal);
        var sql = $"COPY (SELECT {string.Join(", ", plan.Columns.Select(Quote))} FROM {Quote(plan.Table)}{range} ORDER BY {KeyList(plan)}) TO STDOUT (FORMAT BINARY)";
        await using var copy = await connection.BeginRawBinaryCopyAsync(sql, cancellationToken);
        await copy.CopyToAsync(destination, cancellationToken);
    }

    public async Task<IRawRowLoad> BeginLoadAsync(string collection, CancellationToken cancellationToken = default)
    {
        var plan = await RequiredPlanAsync(collection, cancellationToken);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var settings = new NpgsqlCommand(AsyncCommit, connection, transaction))
                await settings.ExecuteNonQueryAsync(cancellationToken);
            return new Load(plan, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<RawRangeDigest> DigestAsync(string collection, IReadOnlyList<string>? after, IReadOnlyList<string>? upTo, CancellationToken cancellationToken = default)
    {
        var plan = await RequiredPlanAsync(collection, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var settings = new NpgsqlCommand(DigestSettings, connection, transaction))
            await settings.ExecuteNonQueryAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction, CommandTimeout = 0 };
        var parameters = new List<object?>();
        var range = Range(plan, after, upTo, value => { parameters.Add(value); return $"${parameters.Count}"; });
        foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value });
        var embedded = plan.Embedding is null ? "0" : $"count(*) FILTER (WHERE {Quote(plan.Embedding)} IS NOT NULL)";
        command.CommandText =
            $"SELECT count(*), coalesce(sum({plan.RowHash}), 0)::text, {embedded} FROM {Quote(plan.Table)}{range}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RawRangeDigest(reader.GetInt64(0), reader.GetString(1), Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<Plan> RequiredPlanAsync(string collection, CancellationToken cancellationToken)
        => await PlanAsync(collection, cancellationToken) ?? throw new InvalidOperationException($"{collection} has no raw path on PostgreSQL.");

    // A plan is shared by every caller (collections are copied and verified two at a time), so it is built under no
    // caller's token: a cancelled caller only stops waiting. A plan that failed is forgotten, so the next caller
    // builds it again.
    private Task<Plan?> PlanAsync(string collection, CancellationToken cancellationToken)
        => SharedAsync(plans.GetOrAdd(collection, BuildPlanAsync), cancellationToken, failed => plans.TryRemove(KeyValuePair.Create(collection, failed)));

    private async Task<Plan?> BuildPlanAsync(string collection)
    {
        var cancellationToken = CancellationToken.None;
        if (!PostgresCollectionTables.ByCollection.TryGetValue(collection, out var table)) return null;
        // The table as stored, from the catalog alone (no EF model is built: that is a second of every run's start):
        // every column but generated ones (the server computes them), in column order, with type, collation and
        // position in the primary key. Two databases exchange raw rows only when all of this is equal (the shape).
        await using var command = dataSource.CreateCommand("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), coalesce(co.collname, ''),
                   coalesce((SELECT k.ord FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord) WHERE k.attnum = a.attnum), 0)::int,
                   a.attidentity <> '', pk.conname
            FROM pg_attribute a
            JOIN pg_class t ON t.oid = a.attrelid
            LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
            LEFT JOIN pg_index x ON x.indrelid = t.oid AND x.indisprimary
            LEFT JOIN pg_constraint pk ON pk.conindid = x.indexrelid AND pk.contype = 'p'
            WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace AND t.relkind = 'r'
              AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY a.attnum
            """);
        command.Parameters.AddWithValue(table);
        var columns = new List<string>();
        var types = new Dictionary<string, (string Type, string Collation, int KeyPosition)>(StringComparer.Ordinal);
        string? primaryKey = null;
        var identity = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
            {
                // A column a trigger stamps with the writing transaction's id differs between any two databases by
                // design: copying it would be overwritten on the target and hashing it would make every range differ.
                if (reader.GetString(0) == ExactIndexChangeSql.StampColumn) continue;
                columns.Add(reader.GetString(0));
                types[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
                identity |= reader.GetBoolean(4);
                primaryKey ??= reader.IsDBNull(5) ? null : reader.GetString(5);
            }
        if (columns.Count == 0 || primaryKey is null || identity) return null; // no such table, no key, or an identity column: no raw path
        var keys = types.Where(t => t.Value.KeyPosition > 0).OrderBy(t => t.Value.KeyPosition).Select(t => t.Key).ToList();
        var embedding = columns.FirstOrDefault(c => types[c].Type.StartsWith("vector", StringComparison.Ordinal));
        var shape = $"postgresql {table} key ({string.Join(", ", keys)}) columns ({string.Join(", ", columns.Select(c => $"{c} {types[c].Type}{(types[c].Collation is "" or "default" ? "" : " collate " + types[c].Collation)}"))})";
        var rowHash = RawRowHash.Expression(columns.Select(c => (c, types[c].Type)).ToList(), await HashRecordAsync(cancellationToken));
        // The same conflict handling as every other bulk upsert (PostgresBulkRows): the primary-key constraint by name,
        // every other column replaced.
        var names = string.Join(", ", columns.Select(Quote));
        var upsert = $"INSERT INTO {Quote(table)} ({names}) SELECT {names} FROM {{stage}} ON CONFLICT ON CONSTRAINT {Quote(primaryKey)} DO UPDATE SET "
                     + string.Join(", ", columns.Where(c => !keys.Contains(c)).Select(c => $"{Quote(c)} = EXCLUDED.{Quote(c)}"));
        return new Plan(table, keys, columns, embedding, shape, upsert, rowHash, columns.Select(c => (c, types[c].Type)).ToList());
    }

    // One probe for all plans, started once (Lazy's default mode runs the factory on one thread only); like a plan it
    // runs under no caller's token and is forgotten when it failed.
    private Lazy<Task<bool>> hashRecord = new(() => ProbeHashRecordAsync(dataSource));

    private Task<bool> HashRecordAsync(CancellationToken cancellationToken)
    {
        var probe = Volatile.Read(ref hashRecord);
        return SharedAsync(probe.Value, cancellationToken, _ => Interlocked.CompareExchange(ref hashRecord, new(() => ProbeHashRecordAsync(dataSource)), probe));
    }

    private static async Task<bool> ProbeHashRecordAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(RawRowHash.ProbeSql);
        return await command.ExecuteScalarAsync() is true;
    }

    /// <summary>Waits for work shared between callers until it ends or this caller cancels; when it failed, <paramref name="forget"/>s it.</summary>
    private static async Task<T> SharedAsync<T>(Task<T> shared, CancellationToken cancellationToken, Action<Task<T>> forget)
    {
        // WaitAsync returns a task that already ended whatever the token; on a loaded machine a plan can be built
        // before the first await (every reply already in the socket), and a caller that had cancelled would go on.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await shared.WaitAsync(cancellationToken);
        }
        catch when (shared.IsFaulted || shared.IsCanceled)
        {
            forget(shared);
            throw;
        }
    }

    private static string KeyList(Plan plan) => string.Join(", ", plan.Keys.Select(Quote));

    private static string Descending(Plan plan) => string.Join(", ", plan.Keys.Select(k => Quote(k) + " DESC"));

    private static string After(Plan plan, IReadOnlyList<string>? after, NpgsqlCommand command)
    {
        if (after is null) return "";
        foreach (var value in after) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return $" WHERE ({KeyList(plan)}) > ({string.Join(", ", after.Select((_, i) => $"${i + 1}"))})";
    }

    /// <summary><c> WHERE (key) &gt; (after) AND (key) &lt;= (upTo)</c>, each value written by <paramref name="value"/>.</summary>
    private static string Range(Plan plan, IReadOnlyList<string>? after, IReadOnlyList<string>? upTo, Func<string, string> value)
    {
        var conditions = new List<string>();
        if (after is not null) conditions.Add($"({KeyList(plan)}) > ({string.Join(", ", after.Select(value))})");
        if (upTo is not null) conditions.Add($"({KeyList(plan)}) <= ({string.Join(", ", upTo.Select(value))})");
        return conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
    }

    private static string Literal(string value)
        => "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'::text";
}
