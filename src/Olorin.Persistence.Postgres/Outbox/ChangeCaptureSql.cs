namespace Olorin.Persistence.Postgres.Outbox;

/// <summary>
/// The change capture of the migration phases (used by the <c>ChangeCaptureOutbox</c> migration): statement-level
/// AFTER triggers on the ten tables append the key of every inserted, updated or deleted row to <c>change_outbox</c>,
/// in the writing statement's transaction, so the entry commits or rolls back with the write — for the API's writes,
/// the bulk paths and writes made behind the API's back alike. Transition tables
/// (https://www.postgresql.org/docs/15/sql-createtrigger.html, REFERENCING) give every changed row to one
/// <c>INSERT … SELECT</c> per statement, so a bulk statement costs one outbox insert, not one trigger call per row.
/// Capture is gated by the one row of <c>change_capture</c>, which the server turns on where this store is the
/// primary of a phase with a secondary. TRUNCATE is not captured (the API never truncates).
/// </summary>
internal static class ChangeCaptureSql
{
    /// <summary>A captured table: the collection name the tools use, its table and the SQL of the id (over a row alias <c>r</c>).</summary>
    public sealed record Captured(string Collection, string Table, string IdSql);

    public static readonly IReadOnlyList<Captured> Tables =
    [
        new("investigations", "investigation_states", "r.investigation_id"),
        new("templates", "investigation_templates", "r.template_id"),
        new("detectors", "detectors", "r.detector_id"),
        new("detection_runs", "detection_runs", "r.run_id"),
        new("anomaly_events", "anomaly_events", "r.anomaly_id"),
        new("transaction_scores", "transaction_scores", "r.investigation_id || '/' || r.transaction_id"),
        new("audit_log", "investigation_audit_log", "r.entry_id"),
        new("composio_connections", "composio_connections", "r.connection_id"),
        new("composio_action_audits", "composio_action_audit", "r.audit_id"),
        new("soar_playbook_executions", "soar_playbook_executions", "r.execution_id"),
    ];

    public const string CreateTables = """
        CREATE TABLE change_outbox (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            collection character varying(63) COLLATE "C" NOT NULL,
            tenant_id character varying(255) COLLATE "C" NOT NULL,
            document_id text COLLATE "C" NOT NULL,
            changed_at timestamp with time zone NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX ix_change_outbox_key ON change_outbox (collection, tenant_id, document_id);
        CREATE TABLE change_capture (
            id smallint PRIMARY KEY CHECK (id = 1),
            enabled boolean NOT NULL,
            changed_at timestamp with time zone NOT NULL
        );
        INSERT INTO change_capture (id, enabled, changed_at) VALUES (1, false, now());
        CREATE TABLE write_back_marker (
            id smallint PRIMARY KEY CHECK (id = 1),
            set_at timestamp with time zone NOT NULL,
            set_by text NOT NULL
        );
        CREATE FUNCTION change_outbox_lock_keys(hashes bigint[]) RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE h bigint;
        BEGIN
            -- One relay per key at a time, taken in the order given (sorted by the caller), so two relays never deadlock.
            FOREACH h IN ARRAY hashes LOOP
                PERFORM pg_advisory_xact_lock(h);
            END LOOP;
        END
        $fn$;
        """;

    /// <summary>
    /// The relay's failures per key (the <c>RelayDeadLetters</c> migration): a key whose copy the secondary refused
    /// (a constraint, a value it cannot store) has a row with the attempts so far and the last error; once the attempts
    /// reach <c>OUTBOX_RELAY_MAX_ATTEMPTS</c> the row gets <c>dead_lettered_at</c> and the key's outbox entries are
    /// removed, so the relay goes on with the rest. A dead letter is never dropped: <c>/status/migration</c> counts
    /// it (and blocks advancing) until an operator retries it (<c>scripts/olorin outbox retry-dead-letters</c>), which
    /// puts the keys back in the outbox, or a later write of the key is copied successfully.
    /// </summary>
    public const string CreateFailures = """
        CREATE TABLE change_relay_failures (
            collection character varying(63) COLLATE "C" NOT NULL,
            tenant_id character varying(255) COLLATE "C" NOT NULL,
            document_id text COLLATE "C" NOT NULL,
            attempts integer NOT NULL,
            error text NOT NULL,
            first_changed_at timestamp with time zone NOT NULL,
            last_failed_at timestamp with time zone NOT NULL,
            dead_lettered_at timestamp with time zone,
            PRIMARY KEY (collection, tenant_id, document_id)
        );
        """;

    public const string DropTables = """
        DROP FUNCTION IF EXISTS change_outbox_lock_keys(bigint[]);
        DROP TABLE IF EXISTS write_back_marker;
        DROP TABLE IF EXISTS change_capture;
        DROP TABLE IF EXISTS change_outbox;
        """;

    private static string Append(Captured t, string rows)
        => $"""
            INSERT INTO change_outbox (collection, tenant_id, document_id)
                SELECT '{t.Collection}', r.tenant_id, {t.IdSql} FROM {rows} r
                WHERE (SELECT enabled FROM change_capture WHERE id = 1);
            """;

    public static string Create(Captured t)
        => $"""
            CREATE FUNCTION {t.Table}_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    {Append(t, "old_rows")}
                ELSE
                    {Append(t, "new_rows")}
                END IF;
                RETURN NULL;
            END
            $fn$;
            {CreateTriggers(t)}
            """;

    /// <summary>
    /// The three triggers of a table. Since the <c>CaptureTriggersOnlyWhileCapturing</c> migration they exist only while
    /// capture is on (<see cref="PostgresChangeOutbox.SetCaptureAsync"/> creates and drops them with the switch): a
    /// trigger with a transition table costs every write even when its function then does nothing (PostgreSQL fills
    /// the transition table for any such trigger, and runs the function once per statement; about 0.07 ms per
    /// single-row statement measured), so with capture off there is none.
    /// </summary>
    public static string CreateTriggers(Captured t)
        => $"""
            CREATE OR REPLACE TRIGGER {t.Table}_capture_insert AFTER INSERT ON {t.Table} REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {t.Table}_capture_changes();
            CREATE OR REPLACE TRIGGER {t.Table}_capture_update AFTER UPDATE ON {t.Table} REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {t.Table}_capture_changes();
            CREATE OR REPLACE TRIGGER {t.Table}_capture_delete AFTER DELETE ON {t.Table} REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {t.Table}_capture_changes();
            """;

    public static string DropTriggers(Captured t)
        => $"""
            DROP TRIGGER IF EXISTS {t.Table}_capture_insert ON {t.Table};
            DROP TRIGGER IF EXISTS {t.Table}_capture_update ON {t.Table};
            DROP TRIGGER IF EXISTS {t.Table}_capture_delete ON {t.Table};
            """;

    /// <summary>The names of every capture trigger (3 per captured table).</summary>
    public static readonly string[] TriggerNames =
        [.. Tables.SelectMany(t => new[] { $"{t.Table}_capture_insert", $"{t.Table}_capture_update", $"{t.Table}_capture_delete" })];

    public static string Drop(Captured t)
        => $"""
            {DropTriggers(t)}
            DROP FUNCTION IF EXISTS {t.Table}_capture_changes();
            """;
}
