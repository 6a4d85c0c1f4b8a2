using Microsoft.Extensions.Options;
using Npgsql;

namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// A small pool of its own for the similarity SQL (the planner estimate, the HNSW walk, PostgreSQL's exact ranking),
/// <c>PGVECTOR_SEARCH_CONNECTIONS</c> connections kept open (minimum = maximum pool size, so none is pruned).
/// <para>
/// Why not the request pool: a PostgreSQL backend pays for its first walks of the HNSW graph — the first query of a
/// new backend cost ~80 ms of backend CPU and its first ten ~35 ms each, against ~6 ms once it has walked the graph
/// (the same shared buffers, all hits; docs/performance.md, "Session 6: HNSW path"). Npgsql hands idle connections out
/// first in, first out, so after a burst of other requests had opened 30+ connections, consecutive searches each landed
/// on a backend that had rarely walked the graph: 44 ms of backend CPU per HNSW search at concurrency 1.
/// </para>
/// </summary>
internal sealed class VectorSearchConnections(string connectionString, IOptions<PostgresVectorSearchOptions> options) : IAsyncDisposable, IDisposable
{
    private readonly Lazy<NpgsqlDataSource> dataSource = new(() => Build(connectionString, options.Value.SearchConnections));

    public int Size => options.Value.SearchConnections;

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => dataSource.Value.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (dataSource.IsValueCreated) await dataSource.Value.DisposeAsync();
    }

    public void Dispose()
    {
        if (dataSource.IsValueCreated) dataSource.Value.Dispose();
    }

    internal static NpgsqlDataSource Build(string connectionString, int size)
    {
        // Minimum = maximum on purpose: Npgsql prunes idle connections down to the minimum (after Connection Idle
        // Lifetime, 300 s), and each pruned backend is replaced by a cold one whose first query cost 80-100 ms of
        // PostgreSQL CPU and its first ten 32-39 ms each, against 5.5-6 ms warm (docs/performance.md, "Session 6: HNSW
        // path"). The pool is small (PGVECTOR_SEARCH_CONNECTIONS, default the core count) and counted in the server's
        // connection budget (ConnectionBudget); connections are only opened by a search or the warm-up.
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = size,
            MinPoolSize = size,
        };
        builder.ApplicationName = $"{builder.ApplicationName ?? "olorin"} vector search";
        return PostgresPersistence.BuildDataSource(builder.ConnectionString);
    }
}
