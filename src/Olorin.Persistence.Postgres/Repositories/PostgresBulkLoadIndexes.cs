using System.Text.Json;
using Npgsql;
using Olorin.Core.Ports;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// <see cref="IBulkLoadIndexes"/> on PostgreSQL: the plain secondary indexes of an empty table (not the primary key,
/// which the upserts' ON CONFLICT needs, nor unique indexes, which guard the data) are described by their
/// <c>pg_indexes.indexdef</c>, dropped, and recreated afterwards with <c>CREATE INDEX IF NOT EXISTS</c> and a larger
/// <c>maintenance_work_mem</c>, so an HNSW graph is built in memory in one pass.
/// </summary>
internal sealed class PostgresBulkLoadIndexes(NpgsqlDataSource dataSource) : IBulkLoadIndexes
{
    private sealed record Index(string Name, string Definition);

    public async Task<string?> DescribeDeferrableAsync(string collection, CancellationToken cancellationToken = default)
    {
        if (!PostgresCollectionTables.ByCollection.TryGetValue(collection, out var table)) return null;
        // One round trip: no row when the table holds any (nothing is deferred then) or has no such index.
        await using var command = dataSource.CreateCommand($"""
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
              AND NOT x.indisprimary AND NOT x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
              AND NOT EXISTS (SELECT 1 FROM {SqlIdentifier.Quote(table)})
            ORDER BY i.relname
            """);
        command.Parameters.AddWithValue(table);
        var indexes = new List<Index>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                indexes.Add(new Index(reader.GetString(0), reader.GetString(1)));
        return indexes.Count == 0 ? null : JsonSerializer.Serialize(indexes);
    }

    /// <summary>One statement for all of them (those already gone are skipped).</summary>
    public async Task DropAsync(string deferred, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"DROP INDEX IF EXISTS {string.Join(", ", Parse(deferred).Select(i => SqlIdentifier.Quote(i.Name)))}");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Builds the indexes again, at once over separate connections: each graph or inverted index (HNSW, IVFFlat,
    /// GIN: seconds for an HNSW graph) on its own, the B-trees (tens of milliseconds each) one after the other on
    /// another. Built in one sequence, the B-trees waited for the graph and were the tail of the whole copy; several
    /// plain <c>CREATE INDEX</c> on one table do not block each other (each takes a SHARE lock). Every build runs to
    /// its end; the first error is the one thrown.
    /// </summary>
    public async Task RestoreAsync(string deferred, CancellationToken cancellationToken = default)
    {
        var indexes = Parse(deferred);
        var groups = indexes.Where(IsHeavy).Select(i => new List<Index> { i }).ToList();
        var btrees = indexes.Where(i => !IsHeavy(i)).ToList();
        if (btrees.Count > 0) groups.Add(btrees);
        await Task.WhenAll(groups.Select(group => BuildAsync(group, cancellationToken)));
    }

    private static bool IsHeavy(Index index)
        => index.Definition.Contains(" USING hnsw ", StringComparison.Ordinal) || index.Definition.Contains(" USING ivfflat ", StringComparison.Ordinal)
           || index.Definition.Contains(" USING gin ", StringComparison.Ordinal);

    private async Task BuildAsync(IReadOnlyList<Index> indexes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var memory = new NpgsqlCommand("SET maintenance_work_mem = '256MB'", connection))
            await memory.ExecuteNonQueryAsync(cancellationToken);
        foreach (var index in indexes)
        {
            const string Prefix = "CREATE INDEX ";
            var definition = index.Definition.StartsWith(Prefix, StringComparison.Ordinal)
                ? "CREATE INDEX IF NOT EXISTS " + index.Definition[Prefix.Length..]
                : throw new InvalidOperationException($"not a plain index definition: {index.Definition}");
            await using var command = new NpgsqlCommand(definition, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static List<Index> Parse(string deferred)
        => JsonSerializer.Deserialize<List<Index>>(deferred) ?? throw new FormatException("not a deferred index description");
}
