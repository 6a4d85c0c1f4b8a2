using Microsoft.Extensions.Logging;
using Npgsql;
using Olorin.Persistence.Postgres.Repositories;

namespace Olorin.Persistence.Postgres;

/// <summary>
/// The most PostgreSQL connections one server holds: its main pool (the connection string's <c>Maximum Pool Size</c>),
/// the by-id read pool (<see cref="StatelessReadSource.PoolSize"/>), the similarity search pool
/// (<c>PGVECTOR_SEARCH_CONNECTIONS</c>) and the change relay's pool (<see cref="Outbox.RelayConnections.PoolSize"/>,
/// opened only in a phase whose relay reads this store's outbox). Npgsql limits each pool on its own, so an operator
/// fitting servers into <c>max_connections</c> has to count all four.
/// </summary>
public sealed record ConnectionBudget(int Main, int Read, int Search, int Relay)
{
    public int Total => Main + Read + Search + Relay;

    public static ConnectionBudget For(string connectionString, int searchConnections)
    {
        var main = new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize;
        return new(main, StatelessReadSource.PoolSize(main), searchConnections, Outbox.RelayConnections.PoolSize);
    }

    /// <summary>
    /// Logs the budget and warns when it alone exceeds the connections PostgreSQL grants non-superusers
    /// (<c>max_connections</c> less the reserved ones); start-up goes on either way, since the pools open lazily and
    /// a server under light load never fills them. Returns the connections available, or null when they could not be read.
    /// </summary>
    public async Task<int?> CheckAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT current_setting('max_connections')::int
                 - current_setting('superuser_reserved_connections')::int
                 - coalesce(current_setting('reserved_connections', true), '0')::int
            """, connection);
        var available = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (Total > available)
            logger.LogWarning(
                "PostgreSQL connection budget {Total} (main pool {Main} + by-id read pool {Read} + vector search pool {Search} + change relay pool {Relay}) exceeds the {Available} connections PostgreSQL accepts (max_connections less reserved); lower Maximum Pool Size or PGVECTOR_SEARCH_CONNECTIONS, or requests may fail with 53300 too many clients",
                Total, Main, Read, Search, Relay, available);
        else
            logger.LogInformation(
                "PostgreSQL connection budget {Total} (main pool {Main} + by-id read pool {Read} + vector search pool {Search} + change relay pool {Relay}) of {Available} available",
                Total, Main, Read, Search, Relay, available);
        return available;
    }
}
