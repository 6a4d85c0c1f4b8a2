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
/// main, resetting pool.
/// <para>
/// Internal so that no caller outside this assembly can run a <c>SET</c>, <c>BEGIN</c>, lock or <c>LISTEN</c> on a
/// connection that is never reset: such state would leak into every later by-id read on that backend.
/// </para>
/// </summary>
internal sealed class StatelessReadSource(NpgsqlDataSource dataSource) : IAsyncDisposable, IDisposable
{
    /// <summary>The pool's data source; open, run a stateless statement, close.</summary>
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>
    /// The pool's Max Pool Size: a quarter of the main pool's, at least 1. It serves one short prepared SELECT per
    /// by-id GET, so a few connections keep up with many requests; a copy of the main pool's size would double the
    /// server's share of PostgreSQL's <c>max_connections</c> (<see cref="ConnectionBudget"/>).
    /// </summary>
    public static int PoolSize(int mainMaxPoolSize) => Math.Max(1, mainMaxPoolSize / 4);

    public static StatelessReadSource Build(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        builder.MaxPoolSize = PoolSize(builder.MaxPoolSize);
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        return new(PostgresPersistence.BuildDataSource(builder.ConnectionString));
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();
}
