namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// How PostgreSQL tells every server instance's <see cref="ExactVectorIndex"/> what changed in <c>anomaly_events</c>,
/// in the writing transaction itself (so it commits or rolls back with the write, whoever writes: the API, the bulk
/// paths, the migration tools or SQL by hand):
/// <list type="bullet">
/// <item>a row-level BEFORE trigger stamps <c>change_xid</c> = the writer's transaction id on every insert and on every
/// update that changes a column the index holds (tenant, id, severity, detector, embedding; a status change is not one,
/// nor an upsert that rewrites the same values — so a repeated bulk copy leaves the rows as they were), and
/// logs the old key as deleted when an update moves a row to another key;</item>
/// <item>a statement-level AFTER DELETE trigger logs every deleted key in <c>anomaly_event_deletions</c> and prunes
/// entries older than <see cref="Retention"/>, raising <c>anomaly_change_horizon.pruned_through</c> to the
/// newest transaction id it pruned; TRUNCATE raises it to its own (every index reloads).</item>
/// </list>
/// Why transaction ids and not a sequence: a sequence value is taken when a row is written, not when it commits, so a
/// transaction holding seq 10 can commit after one holding seq 11 has been read, and "everything above the highest seq
/// seen" would miss it forever. Transaction ids have the same gap, but PostgreSQL says which ones can still commit:
/// <c>pg_current_snapshot()</c> names the transactions still running (<c>pg_snapshot_xip</c>) and the first id not yet
/// completed (<c>pg_snapshot_xmax</c>); every other lower id had finished (committed or aborted) when the snapshot was
/// taken (https://www.postgresql.org/docs/15/functions-info.html#FUNCTIONS-PG-SNAPSHOT). An index that read the tenant
/// at a snapshot therefore holds every row written by a transaction that snapshot saw finished, and the next read needs
/// only the rows and deletions stamped by one it did not (<see cref="XidSnapshot"/>: ≥ its xmax or among its running
/// ones; index-backed: <c>(tenant_id, change_xid)</c>). Not "≥ its xmin": one long transaction anywhere in the cluster
/// holds xmin back, and every read would re-read every row written since it began. <c>pg_current_xact_id()</c> is the
/// top-level transaction's id (the one the snapshot lists), 64-bit (epoch included), and never wraps.
/// </summary>
internal static class ExactIndexChangeSql
{
    /// <summary>How long a deletion stays in the log: an index that last looked longer ago than this reloads its tenant.</summary>
    public const string Retention = "7 days";

    /// <summary>The column the stamp trigger writes: each database stamps its own writers, so copies and digests skip it.</summary>
    public const string StampColumn = "change_xid";

    /// <summary>The writing transaction's id as a bigint (xid8 has no direct cast to bigint; its text form is the number).</summary>
    public const string CurrentXid = "(pg_current_xact_id()::text::bigint)";

    public const string Create = $$"""
        INSERT INTO anomaly_change_horizon (id, pruned_through) VALUES (1, 0);

        CREATE FUNCTION anomaly_events_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            NEW.change_xid := {{CurrentXid}};
            IF TG_OP = 'UPDATE' AND (OLD.tenant_id, OLD.anomaly_id) IS DISTINCT FROM (NEW.tenant_id, NEW.anomaly_id) THEN
                INSERT INTO anomaly_event_deletions (tenant_id, change_xid, anomaly_id)
                VALUES (OLD.tenant_id, NEW.change_xid, OLD.anomaly_id) ON CONFLICT DO NOTHING;
            END IF;
            RETURN NEW;
        END
        $fn$;
        CREATE TRIGGER anomaly_events_stamp_insert BEFORE INSERT ON anomaly_events
            FOR EACH ROW EXECUTE FUNCTION anomaly_events_stamp_change();
        CREATE TRIGGER anomaly_events_stamp_update BEFORE UPDATE OF tenant_id, anomaly_id, severity, detector_id, embedding ON anomaly_events
            FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.anomaly_id IS DISTINCT FROM NEW.anomaly_id
                OR OLD.severity IS DISTINCT FROM NEW.severity OR OLD.detector_id IS DISTINCT FROM NEW.detector_id
                OR OLD.embedding IS DISTINCT FROM NEW.embedding)
            EXECUTE FUNCTION anomaly_events_stamp_change();

        CREATE FUNCTION anomaly_events_log_deletions() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                UPDATE anomaly_change_horizon SET pruned_through = greatest(pruned_through, {{CurrentXid}}) WHERE id = 1;
                RETURN NULL;
            END IF;
            INSERT INTO anomaly_event_deletions (tenant_id, change_xid, anomaly_id)
                SELECT r.tenant_id, {{CurrentXid}}, r.anomaly_id FROM old_rows r
                ON CONFLICT DO NOTHING;
            -- Entries older than the retention go; the horizon row is locked only when something was pruned.
            WITH pruned AS (
                DELETE FROM anomaly_event_deletions WHERE deleted_at < clock_timestamp() - interval '{{Retention}}'
                RETURNING change_xid)
            UPDATE anomaly_change_horizon SET pruned_through = greatest(pruned_through, (SELECT max(change_xid) FROM pruned))
            WHERE id = 1 AND EXISTS (SELECT 1 FROM pruned);
            RETURN NULL;
        END
        $fn$;
        CREATE TRIGGER anomaly_events_log_delete AFTER DELETE ON anomaly_events REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_log_deletions();
        CREATE TRIGGER anomaly_events_log_truncate AFTER TRUNCATE ON anomaly_events
            FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_log_deletions();
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS anomaly_events_log_truncate ON anomaly_events;
        DROP TRIGGER IF EXISTS anomaly_events_log_delete ON anomaly_events;
        DROP TRIGGER IF EXISTS anomaly_events_stamp_update ON anomaly_events;
        DROP TRIGGER IF EXISTS anomaly_events_stamp_insert ON anomaly_events;
        DROP FUNCTION IF EXISTS anomaly_events_log_deletions();
        DROP FUNCTION IF EXISTS anomaly_events_stamp_change();
        """;
}
