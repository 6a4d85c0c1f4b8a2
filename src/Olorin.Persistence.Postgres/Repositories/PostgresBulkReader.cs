using System.Collections.Concurrent;
using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The read half of <see cref="PostgresBulkRows"/>: every row of an entity's table in key order, read with plain
/// Npgsql — one keyset-paged <c>SELECT</c> of the mapped columns per page, each value read in its provider type
/// (pgvector's <c>vector</c> natively through the Npgsql plugin) and turned into the model by the column's EF value
/// converter, the same converter EF uses, so a row reads back exactly as EF reads it (<see cref="RowMaterializer"/>). About three times cheaper than
/// an EF query per page (no LINQ translation, no change-tracking machinery), and it follows the model like
/// <see cref="PostgresBulkRows"/>: a new column needs no change here.
/// </summary>
internal static class PostgresBulkReader
{
    public const int PageSize = 2000;

    /// <summary>
    /// Rows materialized between two yields to the thread pool in <see cref="ReadByKeysAsync"/>. Its rows are buffered,
    /// so the loop would otherwise run a whole relay batch (hundreds of documents, tens of milliseconds) on one pool
    /// thread without giving way: on a 2-core server that is half the request capacity gone for the burst, five
    /// times a second (docs/performance.md, "Session 8: dual writes"). A yield queues the rest behind the requests
    /// already waiting.
    /// </summary>
    internal const int YieldEvery = 64;

    private sealed record Plan(string Table, RowMaterializer.Compiled Rows);

    private static readonly ConcurrentDictionary<IEntityType, Plan> Plans = new();

    /// <summary>
    /// Rows whose key columns, compared as a row value, are strictly after <paramref name="after"/> (all when null), in
    /// that order; <paramref name="keyColumns"/> are the table's key columns (collation "C": ordinal order).
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        OlorinDbContext db, IReadOnlyList<string> keyColumns, IReadOnlyList<string>? after,
        [EnumeratorCancellation] CancellationToken cancellationToken) where T : class
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var plan = Plans.GetOrAdd(entityType, BuildPlan);
        var keys = string.Join(", ", keyColumns.Select(Quote));
        var select = $"SELECT {string.Join(", ", plan.Rows.Columns.Select(Quote))} FROM {Quote(plan.Table)}";
        var keyIndexes = keyColumns.Select(k => plan.Rows.Columns.ToList().IndexOf(k)).ToArray();
        if (keyIndexes.Any(i => i < 0)) throw new InvalidOperationException($"{plan.Table}: key columns must be mapped columns.");

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            var cursor = after;
            while (true)
            {
                await using var command = connection.CreateCommand();
                var where = "";
                if (cursor is not null)
                {
                    where = $" WHERE ({keys}) > ({string.Join(", ", cursor.Select((_, i) => $"${i + 1}"))})";
                    foreach (var value in cursor) command.Parameters.Add(new NpgsqlParameter { Value = value });
                }
                command.CommandText = $"{select}{where} ORDER BY {keys} LIMIT {PageSize}";
                var rows = 0;
                string[]? last = null;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        rows++;
                        var entity = (T)plan.Rows.Materialize(reader);
                        if (rows == PageSize) last = keyIndexes.Select(reader.GetString).ToArray();
                        yield return entity;
                    }
                }
                if (rows < PageSize) yield break;
                cursor = last;
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    /// <summary>
    /// The rows of <paramref name="entityType"/> whose key columns equal one of <paramref name="keys"/> (each a value
    /// per key column, in <paramref name="keyColumns"/> order), in no particular order: one statement, the keys
    /// travelling as one text array per column.
    /// </summary>
    public static async Task<List<object>> ReadByKeysAsync(
        OlorinDbContext db, IEntityType entityType, IReadOnlyList<string> keyColumns, IReadOnlyList<string[]> keys, CancellationToken cancellationToken)
    {
        var result = new List<object>(keys.Count);
        if (keys.Count == 0) return result;
        var plan = Plans.GetOrAdd(entityType, BuildPlan);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            // Through the primary key whatever the statistics say (KeyLookup).
            command.CommandText = KeyLookup.Of(entityType, keyColumns).Select(string.Join(", ", plan.Rows.Columns.Select(Quote)));
            for (var i = 0; i < keyColumns.Count; i++)
                command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k[i]).ToArray() });
            // Prepared: the text is the same for every call on a table, so each pooled connection plans it once instead
            // of once per call (once per relay batch; docs/performance.md, "Session 7: dual-write cost").
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(plan.Rows.Materialize(reader));
                if (result.Count % YieldEvery == 0) await Task.Yield();
            }
            return result;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static Plan BuildPlan(IEntityType entityType) => new(entityType.GetTableName()!, RowMaterializer.Build(entityType));

    /// <summary>The column a key selector such as <c>x =&gt; x.Metadata.TenantId</c> reads.</summary>
    public static string ColumnOf(IEntityType entityType, System.Linq.Expressions.LambdaExpression selector)
    {
        var path = new List<string>();
        var node = selector.Body;
        while (node is System.Linq.Expressions.MemberExpression member)
        {
            path.Insert(0, member.Member.Name);
            node = member.Expression!;
        }
        ITypeBase type = entityType;
        for (var i = 0; i < path.Count - 1; i++)
            type = type.FindComplexProperty(path[i])?.ComplexType ?? throw new InvalidOperationException($"{selector} is not a mapped member path.");
        var property = type.FindProperty(path[^1]) ?? throw new InvalidOperationException($"{selector} is not a mapped property.");
        return property.GetColumnName(StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema()))!;
    }
}
