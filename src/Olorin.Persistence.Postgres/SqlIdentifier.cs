namespace Olorin.Persistence.Postgres;

/// <summary>
/// A table, column or index name as a quoted SQL identifier, for the statements the adapter composes from the model's
/// or the catalogue's names (a double quote inside doubled: https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS).
/// </summary>
internal static class SqlIdentifier
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
