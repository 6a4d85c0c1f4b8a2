namespace Olorin.Persistence.Postgres.Counting;

/// <summary>
/// The triggers that keep <c>row_counts</c> (used by the <c>RowCounters</c> migration). One generic function,
/// attached per table with the dimension columns as arguments, as three statement-level triggers whose transition
/// tables (https://www.postgresql.org/docs/15/sql-createtrigger.html, REFERENCING) give every changed row: a bulk
/// COPY or multi-row INSERT costs one upsert per touched counter, not one per row. Counter rows are upserted in key
/// order, so two transactions always lock shared counters in the same order (no deadlock between them).
/// </summary>
internal static class RowCountSql
{
    /// <summary>Tables whose lists read their totals from <c>row_counts</c>, and the filter columns counted besides the tenant total.</summary>
    public static readonly IReadOnlyList<(string Table, string[] Dimensions)> Counted =
    [
        ("investigation_states", ["status"]),
        ("anomaly_events", ["status", "severity", "detector_id", "run_id", "investigation_id"]),
        ("transaction_scores", ["investigation_id"]),
    ];

    public const string CreateFunction = """
        CREATE FUNCTION olorin_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            keys text := '('''', '''')';
            rows text;
            dim text;
        BEGIN
            FOREACH dim IN ARRAY TG_ARGV LOOP
                keys := keys || format(', (%L, r.%I::text)', dim, dim);
            END LOOP;
            rows := CASE TG_OP
                WHEN 'INSERT' THEN 'SELECT *, 1 AS delta FROM new_rows'
                WHEN 'DELETE' THEN 'SELECT *, -1 AS delta FROM old_rows'
                ELSE 'SELECT *, 1 AS delta FROM new_rows UNION ALL SELECT *, -1 AS delta FROM old_rows' END;
            EXECUTE format($q$
                INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, n)
                SELECT %L, r.tenant_id, k.dimension, k.value, sum(r.delta)
                FROM (%s) r CROSS JOIN LATERAL (VALUES %s) AS k(dimension, value)
                WHERE k.value IS NOT NULL
                GROUP BY r.tenant_id, k.dimension, k.value
                HAVING sum(r.delta) <> 0
                ORDER BY 2, 3, 4
                ON CONFLICT (table_name, tenant_id, dimension, value) DO UPDATE SET n = c.n + excluded.n
                $q$, TG_TABLE_NAME, rows, keys);
            RETURN NULL;
        END
        $fn$;
        """;

    public static string CreateTriggers(string table, string[] dimensions)
    {
        var args = string.Join(", ", dimensions.Select(d => $"'{d}'"));
        return $"""
            CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION olorin_count_rows({args});
            CREATE TRIGGER {table}_count_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION olorin_count_rows({args});
            CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION olorin_count_rows({args});
            """;
    }

    /// <summary>The counters of the rows already stored (run once, by the migration, after the triggers exist and in its transaction).</summary>
    public static string Backfill(string table, string[] dimensions)
    {
        var keys = string.Join("", dimensions.Select(d => $", ('{d}', r.{d}::text)"));
        return $"""
            INSERT INTO row_counts (table_name, tenant_id, dimension, value, n)
            SELECT '{table}', r.tenant_id, k.dimension, k.value, count(*)
            FROM {table} r CROSS JOIN LATERAL (VALUES ('', ''){keys}) AS k(dimension, value)
            WHERE k.value IS NOT NULL
            GROUP BY r.tenant_id, k.dimension, k.value;
            """;
    }

    public static string DropTriggers(string table)
        => $"""
            DROP TRIGGER IF EXISTS {table}_count_insert ON {table};
            DROP TRIGGER IF EXISTS {table}_count_update ON {table};
            DROP TRIGGER IF EXISTS {table}_count_delete ON {table};
            """;

    public const string DropFunction = "DROP FUNCTION IF EXISTS olorin_count_rows();";
}
