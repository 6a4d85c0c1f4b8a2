using Npgsql;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// <see cref="IMigrationStateStore"/> in table <c>olorin_migration_state</c> of the target database, created on first
/// use (outside the EF model: it belongs to the operator tools, not to the application schema, and an application
/// database that never was a migration target does not have it).
/// </summary>
internal sealed class PostgresMigrationStateStore(NpgsqlDataSource dataSource) : IMigrationStateStore
{
    public const string Table = "olorin_migration_state";

    private const string CreateTable =
        $"CREATE TABLE IF NOT EXISTS {Table} (name text COLLATE \"C\" PRIMARY KEY, state text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())";

    private volatile bool created;

    // Set when a read found no table. /status/migration reads the verification record on every call (a monitor polls it
    // once a second), and on a server that never was a migration target each read was a failing statement: an ERROR
    // in PostgreSQL's log and a PostgresException thrown through the async chain (about 40 a second, docs/performance.md,
    // "Session 8: dual writes"). Once the table is known absent, a read asks the catalogue first, which also sees the
    // table as soon as the migration tools create it.
    private volatile bool absent;

    // Collections are copied and verified concurrently: concurrent CREATE TABLE IF NOT EXISTS of the same table can
    // fail on the catalog's unique indexes, so within a process one caller creates it.
    private readonly SemaphoreSlim creating = new(1, 1);

    /// <summary>Reads without creating anything, so a dry run leaves the target untouched.</summary>
    public Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
        => ReadIfPresentAsync<string?>(async ct =>
        {
            await using var command = dataSource.CreateCommand($"SELECT state FROM {Table} WHERE name = $1");
            command.Parameters.AddWithValue(name);
            return await command.ExecuteScalarAsync(ct) as string;
        }, null, cancellationToken);

    /// <summary>Reads without creating anything, like <see cref="GetAsync"/>.</summary>
    public Task<IReadOnlyDictionary<string, string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
        => ReadIfPresentAsync<IReadOnlyDictionary<string, string>>(async ct =>
        {
            var states = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var command = dataSource.CreateCommand($"SELECT name, state FROM {Table} WHERE starts_with(name, $1)");
            command.Parameters.AddWithValue(prefix);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) states[reader.GetString(0)] = reader.GetString(1);
            return states;
        }, new Dictionary<string, string>(), cancellationToken);

    /// <summary><paramref name="read"/>, or <paramref name="none"/> when the table does not exist (noted, see <c>absent</c>).</summary>
    private async Task<T> ReadIfPresentAsync<T>(Func<CancellationToken, Task<T>> read, T none, CancellationToken cancellationToken)
    {
        if (!await MayExistAsync(cancellationToken)) return none;
        try
        {
            return await read(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            absent = true;
            return none;
        }
    }

    public async Task PutAsync(string name, string json, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO {Table} (name, state, updated_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO UPDATE SET state = excluded.state, updated_at = now()");
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(json);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await using var command = dataSource.CreateCommand($"DELETE FROM {Table} WHERE starts_with(name, $1)");
        command.Parameters.AddWithValue(prefix);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<bool> MayExistAsync(CancellationToken cancellationToken)
    {
        if (!absent) return true;
        await using var command = dataSource.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
        command.Parameters.AddWithValue(Table);
        var exists = await command.ExecuteScalarAsync(cancellationToken) is true;
        if (exists) absent = false;
        return exists;
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (created) return;
        await creating.WaitAsync(cancellationToken);
        try
        {
            if (created) return;
            await using var command = dataSource.CreateCommand(CreateTable);
            await command.ExecuteNonQueryAsync(cancellationToken);
            created = true;
            absent = false;
        }
        finally
        {
            creating.Release();
        }
    }
}
