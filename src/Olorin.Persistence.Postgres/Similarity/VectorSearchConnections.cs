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
internal sealed class VectorSearchConnections(string connectionString, IOptions<PostgresVectorSearchOptions> options) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> dataSource = new(() => Build(connectionString, options.Value.SearchConnections));

    public int Size => options.Value.SearchConnections;

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => dataSource.Value.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (dataSource.IsValueCreated) await dataSource.Value.DisposeAsync();
    }

    internal static NpgsqlDataSource Build(string connectionString, int size)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = size,
            MinPoolSize = size,
        };
        builder.ApplicationName = $"{builder.ApplicationName ?? "olorin"} vector search";
        return PostgresPersistence.BuildDataSource(builder.ConnectionString);
    }
}
