using System.Collections.Concurrent;
using System.Data;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The read half of <see cref="PostgresBulkRows"/>: every row of an entity's table in key order, read with plain
/// Npgsql — one keyset-paged <c>SELECT</c> of the mapped columns per page, each value read in its provider type
/// (pgvector's <c>vector</c> natively through the Npgsql plugin) and turned into the model by the column's EF value
/// converter, the same converter EF uses, so a row reads back exactly as EF reads it. About three times cheaper than
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

    private sealed record Column(string Name, Func<NpgsqlDataReader, int, object?> Read, Action<object, object?> Set);

    private sealed record Member(IReadOnlyList<Column> Columns, IReadOnlyList<Complex> Complexes);

    private sealed record Complex(Type ClrType, bool Nullable, Member Member, Action<object, object?> Set);

    private sealed record Plan(string Table, Type ClrType, Member Root, IReadOnlyList<string> ColumnNames);

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
        var select = $"SELECT {string.Join(", ", plan.ColumnNames.Select(Quote))} FROM {Quote(plan.Table)}";
        var keyIndexes = keyColumns.Select(k => plan.ColumnNames.ToList().IndexOf(k)).ToArray();
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
                        var entity = (T)Materialize(reader, plan.ClrType, plan.Root, 0);
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
            command.CommandText = KeyLookup.Of(entityType, keyColumns).Select(string.Join(", ", plan.ColumnNames.Select(Quote)));
            for (var i = 0; i < keyColumns.Count; i++)
                command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k[i]).ToArray() });
            // Prepared: the text is the same for every call on a table, so each pooled connection plans it once instead
            // of once per call (once per relay batch; docs/performance.md, "Session 7: dual-write cost").
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(Materialize(reader, plan.ClrType, plan.Root, 0));
                if (result.Count % YieldEvery == 0) await Task.Yield();
            }
            return result;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static object Materialize(NpgsqlDataReader reader, Type type, Member member, int ordinal)
    {
        var instance = Activator.CreateInstance(type)!;
        Fill(reader, instance, member, ref ordinal);
        return instance;
    }

    private static void Fill(NpgsqlDataReader reader, object instance, Member member, ref int ordinal)
    {
        foreach (var column in member.Columns) column.Set(instance, column.Read(reader, ordinal++));
        foreach (var complex in member.Complexes)
        {
            var start = ordinal;
            if (complex.Nullable && AllNull(reader, start, Width(complex.Member)))
            {
                ordinal += Width(complex.Member);
                complex.Set(instance, null);
                continue;
            }
            var value = Activator.CreateInstance(complex.ClrType)!;
            Fill(reader, value, complex.Member, ref ordinal);
            complex.Set(instance, value);
        }
    }

    private static int Width(Member member) => member.Columns.Count + member.Complexes.Sum(c => Width(c.Member));

    private static bool AllNull(NpgsqlDataReader reader, int start, int count)
    {
        for (var i = start; i < start + count; i++)
            if (!reader.IsDBNull(i)) return false;
        return true;
    }

    private static Plan BuildPlan(IEntityType entityType)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var names = new List<string>();
        var root = BuildMember(entityType.GetProperties(), entityType.GetComplexProperties(), table, names);
        return new Plan(table.Name, entityType.ClrType, root, names);
    }

    private static Member BuildMember(IEnumerable<IProperty> properties, IEnumerable<IComplexProperty> complexes, StoreObjectIdentifier table, List<string> names)
    {
        // Same column order as Fill reads: the properties first, then each complex property's columns, depth first.
        var columns = new List<Column>();
        foreach (var property in properties)
        {
            if (property.GetComputedColumnSql() is not null || property.IsShadowProperty()) continue;
            var name = property.GetColumnName(table)!;
            names.Add(name);
            columns.Add(new Column(name, ReaderOf(property), SetterOf(property)));
        }
        var nested = new List<Complex>();
        foreach (var complex in complexes)
        {
            var member = BuildMember(complex.ComplexType.GetProperties(), complex.ComplexType.GetComplexProperties(), table, names);
            nested.Add(new Complex(complex.ComplexType.ClrType, complex.IsNullable, member, SetterOf(complex)));
        }
        return new Member(columns, nested);
    }

    private static Func<NpgsqlDataReader, int, object?> ReaderOf(IProperty property)
    {
        var converter = property.GetTypeMapping().Converter;
        var providerType = converter?.ProviderClrType ?? property.ClrType;
        providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
        var read = (Func<NpgsqlDataReader, int, object?>)typeof(PostgresBulkReader)
            .GetMethod(nameof(ReadValue), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(providerType)
            .CreateDelegate(typeof(Func<NpgsqlDataReader, int, object?>));
        if (converter is null) return read;
        var convertsNulls = ConvertsNulls(converter);
        return (reader, ordinal) =>
        {
            var value = read(reader, ordinal);
            return value is null && !convertsNulls ? null : converter.ConvertFromProvider(value);
        };
    }

#pragma warning disable EF1001 // ConvertsNulls: EmbeddingConverter reads NULL as an empty embedding, as EF does.
    private static bool ConvertsNulls(ValueConverter converter) => converter.ConvertsNulls;
#pragma warning restore EF1001

    private static object? ReadValue<TProvider>(NpgsqlDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<TProvider>(ordinal);

    private static Action<object, object?> SetterOf(IPropertyBase property)
    {
        // EF materializes through the backing field when there is one (PropertyAccessMode.PreferField); so does this.
        if (property.FieldInfo is { } field) return field.SetValue;
        if (property.PropertyInfo is { SetMethod: not null } info) return info.SetValue;
        throw new InvalidOperationException($"{property.DeclaringType.DisplayName()}.{property.Name} has no field or setter to materialize.");
    }

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
