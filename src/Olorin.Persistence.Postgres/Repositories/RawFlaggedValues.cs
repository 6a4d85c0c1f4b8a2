namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The SQL condition, over one table's stored columns, that is true for a row holding a value the migration's
/// preflight flags even when the target is PostgreSQL too (<see cref="Olorin.Core.Ports.IRawRowTransfer.ScanFlaggedValuesAsync"/>).
/// What a PostgreSQL target refuses, a PostgreSQL source cannot hold either: text and jsonb hold no U+0000,
/// timestamps have microseconds at most, a value is at most 1 GB
/// (https://www.postgresql.org/docs/15/datatype-json.html, https://www.postgresql.org/docs/15/datatype-datetime.html,
/// https://www.postgresql.org/docs/15/limits.html), jsonb holds no NaN. What is left is what PostgreSQL stores but
/// the preflight's rules flag for any target: NaN and ±Infinity in floating-point and numeric columns, infinite
/// timestamps and dates (no <see cref="DateTime"/> holds them), and embeddings whose dimension differs from the
/// target's. A column of any other type makes the whole table "may hold" (null condition): the preflight then reads
/// it through the models as before.
/// </summary>
internal static class RawFlaggedValues
{
    /// <summary>The condition (<c>false</c> when no column can hold a flagged value), or null when a column's type is not known here.</summary>
    public static string? Condition(IReadOnlyList<(string Column, string Type)> columns, int embeddingDimensions)
    {
        var conditions = new List<string>();
        foreach (var (column, type) in columns)
        {
            var quoted = SqlIdentifier.Quote(column);
            if (type.EndsWith("[]", StringComparison.Ordinal))
            {
                if (!IsPlainText(BaseType(type[..^2]))) return null; // arrays of anything but text: not known here
                continue;
            }
            var baseType = BaseType(type);
            if (IsPlainText(baseType)) continue;
            switch (baseType)
            {
                case "uuid" or "smallint" or "integer" or "bigint" or "boolean" or "jsonb" or "bytea" or "tsvector":
                    break;
                case "double precision" or "real":
                    conditions.Add($"{quoted} IN ('NaN', 'Infinity', '-Infinity')");
                    break;
                case "numeric":
                    // As text: numeric has no infinities before PostgreSQL 14, where 'Infinity' as a numeric literal is an error.
                    conditions.Add($"{quoted}::text IN ('NaN', 'Infinity', '-Infinity')");
                    break;
                case "timestamp with time zone" or "timestamp without time zone" or "date":
                    conditions.Add($"NOT isfinite({quoted})");
                    break;
                case "vector":
                    conditions.Add($"vector_dims({quoted}) <> {embeddingDimensions}");
                    break;
                default:
                    return null;
            }
        }
        return conditions.Count == 0 ? "false" : string.Join(" OR ", conditions);
    }

    private static string BaseType(string type) => type.Split('(')[0];

    private static bool IsPlainText(string baseType) => baseType is "text" or "character varying" or "character";
}
