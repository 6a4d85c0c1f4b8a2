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

    // Collections are copied and verified concurrently: concurrent CREATE TABLE IF NOT EXISTS of the same table can
    // fail on the catalog's unique indexes, so within a process one caller creates it.
    private readonly SemaphoreSlim creating = new(1, 1);

    /// <summary>Reads without creating anything, so a dry run leaves the target untouched.</summary>
    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT state FROM {Table} WHERE name = $1");
        command.Parameters.AddWithValue(name);
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    /// <summary>Reads without creating anything, like <see cref="GetAsync"/>.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT name, state FROM {Table} WHERE starts_with(name, $1)");
        command.Parameters.AddWithValue(prefix);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) states[reader.GetString(0)] = reader.GetString(1);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            states.Clear();
        }
        return states;
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
        }
        finally
        {
            creating.Release();
        }
    }
}
