using Npgsql;

namespace Olorin.Persistence.Postgres.Outbox;

/// <summary>
/// The marker, in PostgreSQL, that MongoDB has been the primary (<c>mongo_primary</c>) and PostgreSQL may lag writes
/// MongoDB acknowledged: set when a server starts in <c>mongo_primary</c>, cleared only after a complete drain of the
/// write-back outbox. A server refuses to start in <c>postgres</c> or <c>dual</c> while it is set.
/// </summary>
public sealed class WriteBackMarker(NpgsqlDataSource dataSource)
{
    public sealed record State(DateTimeOffset SetAt, string SetBy);

    public async Task<State?> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT set_at, set_by FROM write_back_marker WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new State(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero), reader.GetString(1))
            : null;
    }

    public async Task SetAsync(string setBy, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO write_back_marker (id, set_at, set_by) VALUES (1, now(), $1) ON CONFLICT (id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = setBy });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM write_back_marker WHERE id = 1");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
