using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Persistence.Postgres.Repositories;
using Olorin.Persistence.Postgres.Schema;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The raw path's range digest and its shared per-collection plans: a digest must change when values trade places
/// between rows (a sum of row hashes linear in the columns' hashes would not), and a caller that cancels must not
/// leave a cancelled plan behind for the collections copied alongside.
/// </summary>
public sealed class PostgresBulkRawTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NpgsqlDataSource DataSource => fixture.Shared.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task A_range_digest_changes_when_values_or_nulls_trade_places_between_rows()
    {
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE swap_probe (id text PRIMARY KEY, status character varying(50), payload jsonb, amount bigint);
            INSERT INTO swap_probe VALUES ('a', 'open', '{"n": 1}', 5), ('b', 'closed', '{"n": 2}', NULL), ('c', 'open', '{"n": 3}', 7)
            """, connection))
            await create.ExecuteNonQueryAsync(Ct);
        var rowHash = RawRowHash.Expression([("id", "text"), ("status", "character varying(50)"), ("payload", "jsonb"), ("amount", "bigint")], hashRecord: true);

        async Task<string> DigestAsync()
        {
            await using var digest = new NpgsqlCommand($"SELECT sum({rowHash})::text FROM swap_probe", connection);
            return (string)(await digest.ExecuteScalarAsync(Ct))!;
        }

        async Task SwapAsync(string column, string first, string second)
        {
            await using var swap = new NpgsqlCommand(
                $"UPDATE swap_probe t SET {column} = o.{column} FROM swap_probe o WHERE (t.id, o.id) IN (('{first}', '{second}'), ('{second}', '{first}'))", connection);
            Assert.Equal(2, await swap.ExecuteNonQueryAsync(Ct));
        }

        var original = await DigestAsync();
        foreach (var (column, first, second) in new[] { ("status", "a", "b"), ("payload", "b", "c"), ("amount", "a", "b") })
        {
            await SwapAsync(column, first, second);
            Assert.NotEqual(original, await DigestAsync());
            await SwapAsync(column, first, second);
            Assert.Equal(original, await DigestAsync());
        }
    }

    // PostgreSQL's own hashes of these values are equal (hashint8extended folds bigint and timestamps to 32 bits as
    // high XOR low half; the array hash ignores dimensions and lower bounds): the row hash must not be.
    [Theory]
    [InlineData("amount", "5", "5 # 4294967297")]
    [InlineData("at_tz", "timestamptz '2026-01-01 00:00:00+00'", "timestamptz '2000-01-01 00:00:00+00' + ((extract(epoch FROM at_tz - timestamptz '2000-01-01 00:00:00+00') * 1000000)::bigint # 4294967297) * interval '1 microsecond'")]
    [InlineData("at", "timestamp '2026-01-01 00:00:00'", "timestamp '2000-01-01 00:00:00' + ((extract(epoch FROM at - timestamp '2000-01-01 00:00:00') * 1000000)::bigint # 4294967297) * interval '1 microsecond'")]
    [InlineData("tags", "'{a,b}'", "'[0:1]={a,b}'")]
    [InlineData("tags", "'{a,b}'", "'{{a,b}}'")]
    [InlineData("labels", "'{a,b}'", "'[0:1]={a,b}'")]
    [InlineData("counts", "'{5}'", "ARRAY[5 # 4294967297]")]
    public async Task A_row_hash_tells_apart_values_that_postgresql_hashes_alike(string column, string original, string changed)
    {
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        await using (var create = new NpgsqlCommand($"""
            DROP TABLE IF EXISTS fold_probe;
            CREATE TEMP TABLE fold_probe (id text PRIMARY KEY, amount bigint, at_tz timestamp with time zone, at timestamp without time zone, tags text[],
                labels character varying(20)[], counts bigint[]);
            INSERT INTO fold_probe VALUES ('a', 1, now(), localtimestamp, ARRAY['x'], ARRAY['y'], ARRAY[1]);
            UPDATE fold_probe SET {column} = {original}
            """, connection))
            await create.ExecuteNonQueryAsync(Ct);
        var rowHash = RawRowHash.Expression(
            [("id", "text"), ("amount", "bigint"), ("at_tz", "timestamp with time zone"), ("at", "timestamp without time zone"), ("tags", "text[]"),
             ("labels", "character varying(20)[]"), ("counts", "bigint[]")], hashRecord: true);

        async Task<(string Value, long Native, string Row)> ReadAsync()
        {
            await using var read = new NpgsqlCommand($"SELECT {column}::text, hash_record_extended(ROW({column}), 0), ({rowHash})::text FROM fold_probe", connection);
            await using var reader = await read.ExecuteReaderAsync(Ct);
            await reader.ReadAsync(Ct);
            return (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
        }

        var before = await ReadAsync();
        await using (var update = new NpgsqlCommand($"UPDATE fold_probe SET {column} = {changed}", connection))
            await update.ExecuteNonQueryAsync(Ct);
        var after = await ReadAsync();
        Assert.NotEqual(before.Value, after.Value);
        Assert.Equal(before.Native, after.Native);
        Assert.NotEqual(before.Row, after.Row);
    }

    // Arrays before the scalar prefixes: "character varying(20)[]" is an array, not a varchar.
    [Theory]
    [InlineData("character varying(20)", "c COLLATE \"C\"")]
    [InlineData("character varying", "c COLLATE \"C\"")]
    [InlineData("text[]", "c COLLATE \"C\", array_dims(c)")]
    [InlineData("character varying(20)[]", "c COLLATE \"C\", array_dims(c)")]
    [InlineData("character varying[]", "c COLLATE \"C\", array_dims(c)")]
    [InlineData("integer[]", "c, array_dims(c)")]
    [InlineData("uuid[]", "c, array_dims(c)")]
    [InlineData("bigint[]", "(c)::text")]
    [InlineData("timestamp with time zone[]", "(c)::text")]
    [InlineData("double precision[]", "(c)::text")]
    [InlineData("jsonb[]", "(c)::text")]
    public void Each_column_type_is_hashed_through_an_exact_form(string type, string expression)
        => Assert.Equal(expression, RawRowHash.Exact("c", type));

    [Fact]
    public async Task A_caller_that_cancels_leaves_no_cancelled_plan_for_the_next()
    {
        var raw = new PostgresBulkRaw(DataSource);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => raw.ShapeAsync("investigations", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => raw.DigestAsync("investigations", null, null, cancelled.Token));

        Assert.StartsWith("postgresql investigation_states key (tenant_id, investigation_id)", await raw.ShapeAsync("investigations", Ct));
        Assert.True((await raw.DigestAsync("investigations", null, null, Ct)).Count >= 0);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=olorin_target;Username=alice", "olorin_target")]
    [InlineData("Host=127.0.0.1;Username=alice", "alice")]
    public void The_database_to_create_defaults_to_the_user_name_as_npgsql_connects(string connectionString, string database)
        => Assert.Equal(database, PostgresSchemaScript.DatabaseName(connectionString));
}
