using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Builds, once per entity type, a compiled function that turns the current row of a reader into the entity, the
/// way EF materializes it: each mapped column (<see cref="Columns"/>, in that order from ordinal 0) read in its
/// provider type, turned into the model by the column's EF value converter — the converter's own expression, inlined —
/// and stored through the backing field when there is one (EF's <c>PropertyAccessMode.PreferField</c>), else the
/// setter; a nullable complex property whose columns are all NULL is null. One typed call per row instead of, per
/// column, a boxed read, the converter's boxed wrapper and a reflection <c>FieldInfo.SetValue</c> (the change relay
/// materializes every document it copies; docs/performance.md, "Session 9: relay cost per document").
/// </summary>
internal static class RowMaterializer
{
    /// <param name="Columns">The mapped columns the function reads, in ordinal order (unquoted).</param>
    /// <param name="Materialize">The entity of the reader's current row.</param>
    public sealed record Compiled(IReadOnlyList<string> Columns, Func<NpgsqlDataReader, object> Materialize);

    public static Compiled Build(IEntityType entityType)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var reader = Expression.Parameter(typeof(NpgsqlDataReader), "reader");
        var columns = new List<string>();
        var body = New(entityType.ClrType, entityType.GetProperties(), entityType.GetComplexProperties(), table, reader, columns);
        var lambda = Expression.Lambda<Func<NpgsqlDataReader, object>>(Expression.Convert(body, typeof(object)), reader);
        return new Compiled(columns, lambda.Compile());
    }

    /// <summary>
    /// A block that creates <paramref name="type"/> and fills it: the properties first, then each complex property's
    /// columns, depth first — the column order <see cref="PostgresBulkRows"/> writes too.
    /// </summary>
    private static Expression New(Type type, IEnumerable<IProperty> properties, IEnumerable<IComplexProperty> complexes,
        StoreObjectIdentifier table, ParameterExpression reader, List<string> columns)
    {
        var instance = Expression.Variable(type, "instance");
        var statements = new List<Expression> { Expression.Assign(instance, Expression.New(type)) };
        foreach (var property in properties)
        {
            if (property.GetComputedColumnSql() is not null || property.IsShadowProperty()) continue;
            var ordinal = columns.Count;
            columns.Add(property.GetColumnName(table)!);
            statements.Add(Store(instance, property, Read(property, reader, ordinal)));
        }
        foreach (var complex in complexes)
        {
            var first = columns.Count;
            var value = New(complex.ComplexType.ClrType, complex.ComplexType.GetProperties(), complex.ComplexType.GetComplexProperties(), table, reader, columns);
            if (complex.IsNullable)
            {
                Expression allNull = Expression.Constant(true);
                for (var i = columns.Count - 1; i >= first; i--)
                    allNull = Expression.AndAlso(IsDbNull(reader, i), allNull);
                value = Expression.Condition(allNull, Expression.Constant(null, value.Type), value);
            }
            statements.Add(Store(instance, complex, value));
        }
        statements.Add(instance);
        return Expression.Block([instance], statements);
    }

    /// <summary>The column at <paramref name="ordinal"/> as the model value of <paramref name="property"/> (its CLR type).</summary>
    private static Expression Read(IProperty property, ParameterExpression reader, int ordinal)
    {
        var converter = property.GetTypeMapping().Converter;
        var providerType = converter?.ProviderClrType ?? property.ClrType;
        providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
        Expression value = Expression.Call(reader, nameof(NpgsqlDataReader.GetFieldValue), [providerType], Expression.Constant(ordinal));
        Expression whenNull = Expression.Default(property.ClrType);
        if (converter is not null)
        {
            var fromProvider = converter.ConvertFromProviderExpression;
            var parameterType = fromProvider.Parameters[0].Type;
            value = Expression.Invoke(fromProvider, Expression.Convert(value, parameterType));
            // A converter that converts nulls (EmbeddingConverter: NULL is an empty embedding) sees them, as in EF.
            if (ConvertsNulls(converter)) whenNull = Expression.Invoke(fromProvider, Expression.Default(parameterType));
        }
        return Expression.Condition(IsDbNull(reader, ordinal), Convert(whenNull, property.ClrType), Convert(value, property.ClrType));
    }

#pragma warning disable EF1001 // ConvertsNulls: EmbeddingConverter reads NULL as an empty embedding, as EF does.
    private static bool ConvertsNulls(ValueConverter converter) => converter.ConvertsNulls;
#pragma warning restore EF1001

    private static Expression IsDbNull(ParameterExpression reader, int ordinal)
        => Expression.Call(reader, nameof(NpgsqlDataReader.IsDBNull), Type.EmptyTypes, Expression.Constant(ordinal));

    private static Expression Convert(Expression value, Type type) => value.Type == type ? value : Expression.Convert(value, type);

    private static Expression Store(ParameterExpression instance, IPropertyBase property, Expression value)
    {
        // EF materializes through the backing field when there is one (PropertyAccessMode.PreferField); so does this.
        if (property.FieldInfo is { IsInitOnly: false, IsLiteral: false } field)
            return Expression.Assign(Expression.Field(instance, field), Convert(value, field.FieldType));
        if (property.FieldInfo is { } readOnlyField)
            return Expression.Call(Expression.Constant(readOnlyField), typeof(FieldInfo).GetMethod(nameof(FieldInfo.SetValue), [typeof(object), typeof(object)])!,
                instance, Expression.Convert(value, typeof(object)));
        if (property.PropertyInfo is { SetMethod: not null } info)
            return Expression.Assign(Expression.Property(instance, info), Convert(value, info.PropertyType));
        throw new InvalidOperationException($"{property.DeclaringType.DisplayName()}.{property.Name} has no field or setter to materialize.");
    }
}
