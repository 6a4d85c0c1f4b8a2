namespace Olorin.Persistence.Postgres.Counting;

/// <summary>
/// The triggers that keep <c>row_counts</c> (used by the <c>RowCounters</c> migration), generated per counted table
/// with static SQL, so PL/pgSQL plans each statement once per connection:
/// <list type="bullet">
/// <item>INSERT and DELETE: statement-level triggers whose transition tables
/// (https://www.postgresql.org/docs/15/sql-createtrigger.html, REFERENCING) hold every changed row, so a bulk COPY or
/// multi-row INSERT costs one upsert per touched counter, not one per row;</item>
/// <item>UPDATE: a row-level trigger on the counted columns only, with a WHEN condition, so an update that leaves them
/// as they were (a PATCH without status, last_accessed, progress, embeddings) runs no trigger function at all
/// (transition tables are not allowed with a column list).</item>
/// </list>
/// Each counter is split in <see cref="Slots"/> rows and a connection writes the slot of its backend pid, so concurrent
/// writers of one tenant rarely wait for each other's commit on a counter row. Each statement upserts in key order, so
/// single-row writes (the API's) lock shared counters in the same order. A multi-row UPDATE that changes counted
/// columns fires the row-level trigger row by row, so two of them sharing a slot can still deadlock; PostgreSQL aborts
/// one (the migration tool retries a failed batch document by document). TRUNCATE drops the table's counters.
/// </summary>
internal static class RowCountSql
{
    /// <summary>
    /// Partial counters per counted slice; a read sums at most this many rows. 64, not the 16 of the first
    /// migrations: the server's pool opens its connections in a burst, so their backend pids are mostly consecutive,
    /// and 32 busy connections over 16 slots put exactly two writers on every counter row, each waiting for the
    /// other's commit (WAL flush included) about half the time under the POST load; over 64 slots they rarely meet
    /// (docs/performance.md, "Session 8: POST P99").
    /// </summary>
    public const int Slots = 64;

    /// <summary>
    /// The slot count of the first counter migrations (<c>RowCounters</c>, <c>RowCountersForEveryList</c>), which they
    /// keep so that an applied migration's SQL never changes, and what <c>WriteStallsUnderLoad</c>'s Down puts back.
    /// </summary>
    public const int SlotsBefore64 = 16;

    /// <summary>
    /// Tables whose lists read their totals from <c>row_counts</c>, and the filter columns counted besides the tenant
    /// total: those of the <c>RowCounters</c> migration.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string[] Dimensions)> Counted =
    [
        ("investigation_states", ["status"]),
        ("anomaly_events", ["status", "severity", "detector_id", "run_id", "investigation_id"]),
        ("transaction_scores", ["investigation_id"]),
    ];

    /// <summary>The other paged lists, counted since the <c>RowCountersForEveryList</c> migration (same triggers).</summary>
    public static readonly IReadOnlyList<(string Table, string[] Dimensions)> CountedSinceEveryList =
    [
        ("detection_runs", ["detector_id", "status"]),
        ("detectors", ["type", "enabled"]),
        ("investigation_templates", ["user_id"]),
        ("soar_playbook_executions", ["investigation_id", "playbook_id", "status"]),
        ("composio_connections", ["toolkit_name", "status"]),
        ("composio_action_audit", ["connection_id", "toolkit_name", "status", "execution_id"]),
    ];

    private static string Upsert(string table, string rows, int slots)
        => $"""
            INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
                SELECT '{table}', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % {slots})::smallint, sum(k.delta)
                FROM ({rows}) AS k(tenant_id, dimension, value, delta)
                WHERE k.value IS NOT NULL
                GROUP BY k.tenant_id, k.dimension, k.value
                HAVING sum(k.delta) <> 0
                ORDER BY 2, 3, 4
                ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
            """;

    /// <summary>The counted keys of each row of <paramref name="source"/> (a transition table), with <paramref name="delta"/>.</summary>
    private static string KeysOf(string source, string[] dimensions, int delta)
        => $"SELECT r.tenant_id, k.dimension, k.value, {delta} FROM {source} r CROSS JOIN LATERAL (VALUES ('', '')"
           + string.Concat(dimensions.Select(d => $", ('{d}', r.{d}::text)")) + ") AS k(dimension, value)";

    /// <summary>The counted keys of OLD (−1) and NEW (+1) in a row-level update trigger.</summary>
    private static string KeysOfChange(string[] dimensions)
        => "VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1)"
           + string.Concat(dimensions.Select(d => $", (OLD.tenant_id, '{d}', OLD.{d}::text, -1), (NEW.tenant_id, '{d}', NEW.{d}::text, 1)"));

    /// <summary>
    /// The trigger function of <paramref name="table"/> writing over <paramref name="slots"/> slots; with
    /// <paramref name="replace"/>, CREATE OR REPLACE, so a migration can change the slot count under the existing
    /// triggers (the first migrations create it, as they always did).
    /// </summary>
    public static string Function(string table, string[] dimensions, int slots, bool replace = true)
        => $"""
            CREATE {(replace ? "OR REPLACE " : "")}FUNCTION {table}_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {Upsert(table, KeysOf("new_rows", dimensions, 1), slots)}
                ELSIF TG_OP = 'DELETE' THEN
                    {Upsert(table, KeysOf("old_rows", dimensions, -1), slots)}
                ELSIF TG_OP = 'TRUNCATE' THEN
                    DELETE FROM row_counts WHERE table_name = '{table}';
                ELSE
                    {Upsert(table, KeysOfChange(dimensions), slots)}
                END IF;
                RETURN NULL;
            END
            $fn$;
            """;

    /// <summary>The counting triggers of <paramref name="table"/>, writing over <paramref name="slots"/> slots.</summary>
    public static string Create(string table, string[] dimensions, int slots)
    {
        var changed = string.Join(" OR ", new[] { "tenant_id" }.Concat(dimensions).Select(c => $"OLD.{c} IS DISTINCT FROM NEW.{c}"));
        var columns = string.Join(", ", new[] { "tenant_id" }.Concat(dimensions));
        return $"""
            {Function(table, dimensions, slots, replace: false)}
            CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {table}_count_rows();
            CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {table}_count_rows();
            CREATE TRIGGER {table}_count_update AFTER UPDATE OF {columns} ON {table}
                FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {table}_count_rows();
            CREATE TRIGGER {table}_count_truncate AFTER TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION {table}_count_rows();
            """;
    }

    /// <summary>The counters of the rows already stored (run once, by the migration, after the triggers exist and in its transaction).</summary>
    public static string Backfill(string table, string[] dimensions)
        => $"""
            INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
            SELECT '{table}', k.tenant_id, k.dimension, k.value, 0, count(*)
            FROM ({KeysOf(table, dimensions, 1)}) AS k(tenant_id, dimension, value, delta)
            WHERE k.value IS NOT NULL
            GROUP BY k.tenant_id, k.dimension, k.value;
            """;

    public static string Drop(string table)
        => $"""
            DROP TRIGGER IF EXISTS {table}_count_insert ON {table};
            DROP TRIGGER IF EXISTS {table}_count_update ON {table};
            DROP TRIGGER IF EXISTS {table}_count_delete ON {table};
            DROP TRIGGER IF EXISTS {table}_count_truncate ON {table};
            DROP FUNCTION IF EXISTS {table}_count_rows();
            """;
}
