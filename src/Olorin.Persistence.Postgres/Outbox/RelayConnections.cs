using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace Olorin.Persistence.Postgres.Outbox;

/// <summary>
/// The change relay's own Npgsql pool of <see cref="PoolSize"/> connections, with a pooled context over it, so each
/// relay batch runs on a backend that ran the previous ones (its caches warm for the relay's statements and tables)
/// instead of whichever idle connection of the dozens the requests keep open came next (Npgsql hands them out in
/// turn), planned per execution and committed asynchronously; counted apart in the connection budget, and named in
/// <c>pg_stat_activity</c> (<c>… change relay</c>)
/// (docs/performance.md, "Session 11: the relay's own connections").
/// </summary>
internal sealed class RelayConnections : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The relay of a server runs one batch at a time; a second connection serves a second relay of the same store in
    /// the process (a test's concurrent relays, the drain of a previous phase's outbox) without a wait.
    /// </summary>
    public const int PoolSize = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PooledDbContextFactory<OlorinDbContext> _contexts;

    private RelayConnections(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        var options = new DbContextOptionsBuilder<OlorinDbContext>();
        PostgresPersistence.Configure(options, dataSource);
        _contexts = new PooledDbContextFactory<OlorinDbContext>(options.Options, PoolSize);
    }

    public static RelayConnections Build(string connectionString)
    {
        // Custom plans only. On connections that run the relay's statements over and over, PostgreSQL switches to a
        // generic plan after five executions (https://www.postgresql.org/docs/15/sql-prepare.html#SQL-PREPARE-NOTES),
        // made once with the statistics of that moment: in a database created for the phases benchmark the read by
        // keys then averaged 69 ms a batch instead of 2-4 ms. The relay's tables grow and shrink by the batch (the
        // outbox above all), so each statement is planned with its own arguments and current statistics
        // (https://www.postgresql.org/docs/15/runtime-config-query.html#GUC-PLAN-CACHE-MODE).
        // Asynchronous commit: this pool runs nothing but relay batches, and a batch's commit only removes claimed
        // entries and records refusals — the documents it copied are already committed on the other store. Lost in a
        // crash (https://www.postgresql.org/docs/15/wal-async-commit.html: the last commits before it, never a partial
        // one), the entries come back and are applied again, which writes the same current state: so the commit need
        // not wait for its WAL to reach the disk.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = PoolSize };
        builder.Options = $"{builder.Options} -c plan_cache_mode=force_custom_plan -c synchronous_commit=off".Trim();
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, PoolSize);
        builder.ApplicationName = $"{builder.ApplicationName ?? "olorin"} change relay";
        return new(PostgresPersistence.BuildDataSource(builder.ConnectionString));
    }

    /// <summary>A context on the relay's pool; dispose it to return it (and its connection).</summary>
    public Task<OlorinDbContext> RentAsync(CancellationToken cancellationToken) => _contexts.CreateDbContextAsync(cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
