using static Olorin.Persistence.Postgres.SqlIdentifier;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// The SQL expression of one row's 64-bit hash in a range digest of <see cref="PostgresBulkRaw"/>: equal stored values
/// give equal hashes on any two servers of the same byte order, and a difference in any stored byte changes the hash
/// like a random 64-bit value.
/// <para>
/// From PostgreSQL 14 on it is <c>hashtextextended(hash_record_extended(ROW(…), 0)::text, 0)</c> over one exact
/// encoding per column. The outer hash is there because <c>hash_record_extended</c> alone is linear in its columns'
/// hashes (rowtypes.c: <c>result = result * 31 + hash(column)</c>, NULL hashing to 0), so a sum of plain record hashes
/// would be Σ 31^k × (the sum of column k's hashes over the range): values swapped between two rows of a range, or one
/// row's payload moved to another's key, would leave it unchanged. Hashing each record hash again (its decimal text,
/// a one-to-one encoding, through the non-linear <c>hash_bytes_extended</c>; not <c>hashint8extended</c>, which folds
/// its argument to 32 bits) makes every row's hash a random-looking function of the whole row before the sum. Types whose
/// hash is a one-to-one function of their value are hashed natively (<c>smallint</c>, <c>integer</c>, booleans,
/// dates, uuids, bytea; text under the <c>"C"</c> collation, whose hash is of the bytes whatever the column's
/// collation); types whose hash treats different stored values as equal are hashed through an exact encoding first:
/// <c>bigint</c> and timestamps by their 8 binary bytes (<c>int8send</c>, <c>timestamptz_send</c>: their native hash
/// is <c>hashint8extended</c>, which folds the value to 32 bits as high XOR low half, so <c>0</c> and
/// <c>4294967297</c>, or two timestamps whose microseconds differ by that XOR, would hash alike), <c>jsonb</c> and
/// <c>numeric</c> by their text (their hash equates <c>1</c> and <c>1.0</c>, which the canonical form keeps apart
/// as integer and double), floats by their IEEE bits (<c>float8send</c>: their hash equates <c>0</c> and
/// <c>-0</c>), vectors by their binary form (<c>vector_send</c>, the float32 bits; pgvector has no hash), an
/// array of text, varchar or a natively hashed type natively with its <c>array_dims</c> beside it (the array hash
/// covers the elements in order, not the dimensions or lower bounds: <c>{a,b}</c>, <c>{{a,b}}</c> and
/// <c>[0:1]={a,b}</c> hash alike), other arrays and anything else by their text under the digest's pinned output settings. That skips formatting every timestamp, float and
/// integer of the row as text, which the row-text hash below spends most of its time on (2–4× the CPU per row,
/// measured on the mixed dataset's transaction_scores, anomaly_events and investigation_states).
/// </para>
/// <para>
/// Before PostgreSQL 14 (no <c>hash_record_extended</c>) it is <c>hashtextextended</c> of the row's text, vectors in
/// binary form. The two expressions never give equal digests: a source and a target on either side of version 14
/// compare every range by canonical form (slower, still exact).
/// </para>
/// </summary>
internal static class RawRowHash
{
    /// <summary>Whether the server has <c>hash_record_extended</c> (PostgreSQL 14 or later).</summary>
    public const string ProbeSql = "SELECT to_regprocedure('hash_record_extended(record, bigint)') IS NOT NULL";

    /// <param name="columns">The copied columns in order, each with its <c>format_type</c>.</param>
    /// <param name="hashRecord">Whether the server has <c>hash_record_extended</c>.</param>
    public static string Expression(IReadOnlyList<(string Name, string Type)> columns, bool hashRecord)
        => hashRecord
            ? $"hashtextextended(hash_record_extended(ROW({string.Join(", ", columns.Select(c => Exact(Quote(c.Name), c.Type)))}), 0)::text COLLATE \"C\", 0)"
            : $"hashtextextended(ROW({string.Join(", ", columns.Select(c => IsVector(c.Type) ? $"vector_send({Quote(c.Name)})" : Quote(c.Name)))})::text, 0)";

    /// <summary>The column's value in a form (one or more expressions of the row) whose hash equality is equality of the stored value.</summary>
    internal static string Exact(string column, string type) => type switch
    {
        // Before the scalar branches, which match by prefix ("character varying" would also take "character varying(n)[]").
        _ when type.EndsWith("[]", StringComparison.Ordinal) => ExactArray(column, type[..^2]),
        _ when IsVector(type) => $"vector_send({column})",
        "double precision" => $"float8send({column})",
        "real" => $"float4send({column})",
        "bigint" => $"int8send({column})",
        "timestamp with time zone" => $"timestamptz_send({column})",
        "timestamp without time zone" => $"timestamp_send({column})",
        "smallint" or "integer" or "boolean" or "date" or "uuid" or "bytea" => column,
        "text" or "character varying" => $"{column} COLLATE \"C\"",
        _ when type.StartsWith("character varying(", StringComparison.Ordinal) => $"{column} COLLATE \"C\"",
        _ => $"({column})::text",
    };

    /// <summary>
    /// An array column: natively with its <c>array_dims</c> beside it when its elements hash one-to-one (the array
    /// hash covers the elements in order, not the dimensions or lower bounds), otherwise by its text, which carries
    /// the dimensions and lower bounds itself (<c>{{1}}</c>, <c>[0:0]={1}</c>).
    /// </summary>
    private static string ExactArray(string column, string elementType) => elementType switch
    {
        "text" or "character varying" => $"{column} COLLATE \"C\", array_dims({column})",
        _ when elementType.StartsWith("character varying(", StringComparison.Ordinal) => $"{column} COLLATE \"C\", array_dims({column})",
        "smallint" or "integer" or "boolean" or "date" or "uuid" or "bytea" => $"{column}, array_dims({column})",
        _ => $"({column})::text",
    };

    private static bool IsVector(string type) => type.StartsWith("vector", StringComparison.Ordinal);
}
