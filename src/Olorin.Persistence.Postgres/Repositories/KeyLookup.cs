using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// How a statement finds the rows of a list of keys (one text array parameter per key column, <c>$1</c>, <c>$2</c>, …,
/// in key-column order) so that the plan goes through the primary key whatever the table statistics say.
///
/// Why: the key columns are <c>tenant_id</c> and the id, but a table's primary key may be the id alone (the audit log:
/// <c>entry_id</c>) while other indexes lead with <c>tenant_id</c>. Matched as the row value <c>(tenant_id, entry_id)</c>,
/// the planner may take a <c>tenant_id</c> index and filter every row of the tenant for each key — it does whenever the
/// statistics are stale (a table analysed while nearly empty, then filled: the first minute of a benchmark, a new
/// deployment), and then a batch of 250 keys read 440,000 buffers of a 20,000-row audit log in 2.9 s instead of 750 in
/// 13 ms. So when the primary key does not cover every key column, the rows are first found by the primary-key columns
/// alone (no other index leads with them) in a <c>MATERIALIZED</c> CTE, which the
/// planner cannot merge with the full-key test that follows (https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-CTE-MATERIALIZATION).
/// </summary>
internal sealed class KeyLookup
{
    private readonly string _table;
    private readonly string _keys;
    private readonly string _arrays;
    private readonly string? _primary;

    private KeyLookup(string table, string keys, string arrays, string? primary)
        => (_table, _keys, _arrays, _primary) = (table, keys, arrays, primary);

    public static KeyLookup Of(IEntityType entityType, IReadOnlyList<string> keyColumns)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var primaryKey = entityType.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName(table)!).ToList();
        var keys = string.Join(", ", keyColumns.Select(Quote));
        var arrays = string.Join(", ", keyColumns.Select((_, i) => $"${i + 1}::text[]"));
        if (!primaryKey.All(keyColumns.Contains))
            throw new InvalidOperationException($"{table.Name}: the key columns ({keys}) must include the primary key.");
        var primary = primaryKey.Count == keyColumns.Count ? null : string.Join(", ", primaryKey.Select(Quote));
        return new KeyLookup(Quote(table.Name), keys, arrays, primary);
    }

    /// <summary>The <paramref name="columns"/> (quoted, comma-separated) of the rows of the keys.</summary>
    public string Select(string columns) => _primary is null
        ? $"SELECT {columns} FROM {_table} WHERE ({_keys}) IN (SELECT * FROM unnest({_arrays}))"
        : $"WITH {Found("*")} SELECT {columns} FROM hit WHERE ({_keys}) IN (SELECT {_keys} FROM k)";

    /// <summary>Deletes the rows of the keys.</summary>
    public string Delete() => _primary is null
        ? $"DELETE FROM {_table} WHERE ({_keys}) IN (SELECT * FROM unnest({_arrays}))"
        : $"WITH {Found(_keys)} DELETE FROM {_table} WHERE ({_primary}) IN (SELECT {_primary} FROM hit WHERE ({_keys}) IN (SELECT {_keys} FROM k))";

    /// <summary>The keys (<c>k</c>) and the rows found by the primary-key columns alone (<c>hit</c>: no other index leads with them).</summary>
    private string Found(string columns)
        => $"k AS MATERIALIZED (SELECT * FROM unnest({_arrays}) AS k({_keys})), "
           + $"hit AS MATERIALIZED (SELECT {columns} FROM {_table} WHERE ({_primary}) IN (SELECT {_primary} FROM k))";
}
