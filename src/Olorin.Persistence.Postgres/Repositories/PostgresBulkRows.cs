using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Upserts many entities in one statement, generically from the EF model: one array parameter per column (values
/// converted by the column's EF value converter, so jsonb, enums and vectors are stored exactly as EF stores them),
/// expanded server-side with <c>unnest</c>, and <c>ON CONFLICT (primary key) DO UPDATE</c> replacing every column.
/// About twenty times faster than change tracking with SaveChanges for the migration tools' batches, and it follows
/// the model: a new column or a new primary key (e.g. (tenant_id, id)) needs no change here.
/// </summary>
internal static class PostgresBulkRows
{
    private sealed record Column(string Name, string StoreType, Type ProviderType, Func<object, object?> Value);

    /// <param name="Sql">Insert, or replace every column on a primary-key conflict.</param>
    /// <param name="InsertNewSql">Insert, leaving a row whose primary key is stored as it is.</param>
    /// <param name="Table">The quoted table name.</param>
    /// <param name="Replace">The one <c>ON CONFLICT … DO UPDATE</c> clause of every bulk upsert of the table (array
    /// parameters here, a staging table in <see cref="PostgresBulkRaw"/>): a guard on the stored row belongs here.</param>
    private sealed record Plan(string Sql, IReadOnlyList<Column> Columns, string InsertNewSql, string Table, string Replace);

    private static readonly ConcurrentDictionary<IEntityType, Plan> Plans = new();

    public static Task<int> UpsertAsync<T>(OlorinDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
        => WriteAsync(db, rows, insertNew: false, cancellationToken);

    /// <summary>
    /// Inserts the rows whose primary key is not stored yet (<c>ON CONFLICT DO NOTHING</c>) and leaves the others;
    /// returns how many were inserted. A key must not repeat within <paramref name="rows"/>.
    /// </summary>
    public static Task<int> InsertNewAsync<T>(OlorinDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
        => WriteAsync(db, rows, insertNew: true, cancellationToken);

    /// <summary>The columns every bulk write of the entity sets, in order (unquoted).</summary>
    internal static IReadOnlyList<string> ColumnNames(IEntityType entityType)
        => Plans.GetOrAdd(entityType, BuildPlan).Columns.Select(c => c.Name).ToList();

    /// <summary>
    /// The upsert of every row of <paramref name="from"/> (a relation with the <see cref="ColumnNames"/> columns, e.g.
    /// a staging table), with the same conflict handling as <see cref="WriteAsync{T}(OlorinDbContext,IEntityType,IReadOnlyList{T},Write,string?,CancellationToken)"/>:
    /// <see cref="Write.Replace"/> or <see cref="Write.ReplaceOlder"/> by <paramref name="orderingColumn"/>.
    /// </summary>
    internal static string UpsertFromSql(IEntityType entityType, string from, Write write = Write.Replace, string? orderingColumn = null)
    {
        var plan = Plans.GetOrAdd(entityType, BuildPlan);
        var names = string.Join(", ", plan.Columns.Select(c => Quote(c.Name)));
        return $"INSERT INTO {plan.Table} ({names}) SELECT {names} FROM {from}{plan.Replace}{Guard(plan, write, orderingColumn)}";
    }

    private static Task<int> WriteAsync<T>(OlorinDbContext db, IReadOnlyList<T> rows, bool insertNew, CancellationToken cancellationToken) where T : class
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        return WriteAsync(db, entityType, rows, insertNew ? Write.InsertNew : Write.Replace, null, cancellationToken);
    }

    /// <summary>How <see cref="WriteAsync{T}(OlorinDbContext,IEntityType,IReadOnlyList{T},Write,string?,CancellationToken)"/> treats a stored row.</summary>
    public enum Write
    {
        /// <summary>Replace every column.</summary>
        Replace,

        /// <summary>Leave it as it is.</summary>
        InsertNew,

        /// <summary>Replace it only when its ordering column is not greater than the incoming row's.</summary>
        ReplaceOlder,
    }

    /// <summary>The <c>WHERE</c> of the <c>DO UPDATE</c> that keeps a stored row newer than the incoming one.</summary>
    private static string Guard(Plan plan, Write write, string? orderingColumn) => write == Write.ReplaceOlder
        ? $" WHERE {plan.Table}.{Quote(orderingColumn ?? throw new ArgumentNullException(nameof(orderingColumn)))} <= EXCLUDED.{Quote(orderingColumn)}"
        : "";

    /// <summary>
    /// Writes rows of <paramref name="entityType"/> (untyped: the change relay's path) by <paramref name="write"/>;
    /// <paramref name="orderingColumn"/> is required with <see cref="Write.ReplaceOlder"/>. A key must not repeat.
    /// </summary>
    public static async Task<int> WriteAsync<T>(
        OlorinDbContext db, IEntityType entityType, IReadOnlyList<T> rows, Write write, string? orderingColumn, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return 0;
        var plan = Plans.GetOrAdd(entityType, BuildPlan);
        var sql = write switch
        {
            Write.InsertNew => plan.InsertNewSql,
            Write.ReplaceOlder => plan.Sql + Guard(plan, write, orderingColumn),
            _ => plan.Sql,
        };
        var columns = plan.Columns.Select(column => Array.CreateInstance(column.ProviderType, rows.Count)).ToArray();
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < columns.Length; c++) columns[c].SetValue(plan.Columns[c].Value(rows[r]), r);
            // Row by row, giving way to the thread pool now and then: the conversion of a relay batch (jsonb columns
            // serialized, every value boxed) is its largest CPU burst on the server (PostgresBulkReader.YieldEvery).
            if ((r + 1) % PostgresBulkReader.YieldEvery == 0) await Task.Yield();
        }
        var parameters = columns.Select((values, i) => new NpgsqlParameter($"p{i}", values)).ToArray();
        return await ExecutePreparedAsync(db, sql, parameters, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> as a prepared statement on the context's connection, in its current transaction
    /// when it has one. The statement text is the same for every batch of a table (one array parameter per column),
    /// so each pooled connection parses and plans it once
    /// (https://www.npgsql.org/doc/prepare.html, persistent prepared statements) instead of once per call — for the
    /// change relay, once per batch of a few hundred rows, five batches a second under a steady write load.
    /// </summary>
    private static async Task<int> ExecutePreparedAsync(OlorinDbContext db, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection,
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
            if (db.Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
            command.Parameters.AddRange(parameters);
            await command.PrepareAsync(cancellationToken);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static Plan BuildPlan(IEntityType entityType)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = new List<Column>();
        foreach (var property in entityType.GetProperties()) AddColumn(columns, property, table);
        foreach (var complex in entityType.GetComplexProperties()) AddComplex(columns, complex, table);

        var primaryKey = entityType.FindPrimaryKey()!;
        var key = primaryKey.Properties.Select(p => Quote(p.GetColumnName(table)!)).ToList();
        var names = columns.Select(c => Quote(c.Name)).ToList();
        var insert = new StringBuilder()
            .Append($"INSERT INTO {Quote(table.Name)} ({string.Join(", ", names)}) SELECT ")
            .Append(string.Join(", ", columns.Select((c, i) => c.StoreType.EndsWith("[]", StringComparison.Ordinal)
                ? $"CASE WHEN s.c{i} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(s.c{i}::jsonb))::{c.StoreType} END"
                : $"s.c{i}::{c.StoreType}")))
            .Append(" FROM unnest(").Append(string.Join(", ", columns.Select((c, i) => $"@p{i}")))
            .Append(") AS s(").Append(string.Join(", ", columns.Select((_, i) => $"c{i}"))).Append(')')
            .ToString();
        var replace = new StringBuilder()
            // The conflict target is the primary-key constraint by name, not the model's key columns: detection_runs'
            // table key is (tenant_id, run_id) while its model keys on run_id alone (see DetectionRunConfiguration).
            .Append($" ON CONFLICT ON CONSTRAINT {Quote(primaryKey.GetName()!)} DO UPDATE SET ")
            .Append(string.Join(", ", names.Where(n => !key.Contains(n)).Select(n => $"{n} = EXCLUDED.{n}")))
            .ToString();
        return new Plan(insert + replace, columns, $"{insert} ON CONFLICT ON CONSTRAINT {Quote(primaryKey.GetName()!)} DO NOTHING",
            Quote(table.Name), replace);
    }

    /// <summary>Reads the value of a mapped column (as stored, after the value converter) from an entity.</summary>
    public static Func<object, object?> ValueOf(IEntityType entityType, string column)
        => Plans.GetOrAdd(entityType, BuildPlan).Columns.FirstOrDefault(c => c.Name == column)?.Value
           ?? throw new InvalidOperationException($"{entityType.DisplayName()} maps no column {column}.");

    private static void AddComplex(List<Column> columns, IComplexProperty complex, StoreObjectIdentifier table)
    {
        foreach (var property in complex.ComplexType.GetProperties()) AddColumn(columns, property, table);
        foreach (var nested in complex.ComplexType.GetComplexProperties()) AddComplex(columns, nested, table);
    }

    private static void AddColumn(List<Column> columns, IProperty property, StoreObjectIdentifier table)
    {
        if (property.GetComputedColumnSql() is not null || property.IsShadowProperty()) return;
        var name = property.GetColumnName(table)!;
        var converter = property.GetTypeMapping().Converter;
        var getter = property.GetGetter();
        var storeType = property.GetColumnType();
        // Array columns (text[]) travel as JSON text, since unnest cannot take an array of arrays; jsonb travels as
        // text; everything else as its provider type.
        if (storeType.EndsWith("[]", StringComparison.Ordinal))
        {
            columns.Add(new Column(name, storeType, typeof(string), entity =>
            {
                var value = getter.GetClrValueUsingContainingEntity(entity);
                if (value is null) return null;
                var provider = converter is null ? value : converter.ConvertToProvider(value);
                return provider is null ? null : System.Text.Json.JsonSerializer.Serialize(provider, provider.GetType());
            }));
            return;
        }
        var providerType = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? property.ClrType) ?? converter?.ProviderClrType ?? property.ClrType;
        var nullableProvider = providerType.IsValueType && property.IsNullable ? typeof(Nullable<>).MakeGenericType(providerType) : providerType;
        columns.Add(new Column(name, storeType, nullableProvider, entity =>
        {
            var value = getter.GetClrValueUsingContainingEntity(entity);
            if (value is null) return null;
            return converter is null ? value : converter.ConvertToProvider(value);
        }));
    }
}
