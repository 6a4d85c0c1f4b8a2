using Npgsql;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// A second Npgsql pool, for the hottest reads only (the by-id GET of an investigation), whose connections are not
/// reset when they return to the pool (<c>No Reset On Close</c>). On a pooled close Npgsql otherwise queues, for the
/// connection's next use, <c>SET SESSION AUTHORIZATION DEFAULT; RESET ALL; CLOSE ALL; UNLISTEN *; SELECT
/// pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP</c> (its reset when statements are prepared on the
/// connection): seven statements that cost PostgreSQL more CPU than the by-id SELECT itself (docs/performance.md,
/// session 6). The reset only undoes session state; the code that uses this pool sets none — it runs only fixed,
/// prepared, read-only statements outside a transaction (<see cref="InvestigationByIdReader"/>) — so there is nothing
/// to reset. Everything else (EF, writes, bulk, migrations, anything that may <c>SET</c>, lock or listen) stays on the
/// main, resetting pool. Same connection string otherwise, so the same limits (Max Pool Size applies to each pool).
/// </summary>
public sealed class StatelessReadSource(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    /// <summary>The pool's data source; open, run a stateless statement, close.</summary>
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public static StatelessReadSource Build(string connectionString)
        => new(PostgresPersistence.BuildDataSource(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString));

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
