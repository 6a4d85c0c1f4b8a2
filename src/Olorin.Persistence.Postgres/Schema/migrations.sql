CREATE TABLE IF NOT EXISTS __ef_migrations_history (
    migration_id character varying(150) NOT NULL,
    product_version character varying(32) NOT NULL,
    CONSTRAINT pk___ef_migrations_history PRIMARY KEY (migration_id)
);

START TRANSACTION;
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE anomaly_events (
    anomaly_id character varying(255) COLLATE "C" NOT NULL,
    run_id character varying(255) NOT NULL,
    detector_id character varying(255) NOT NULL,
    tenant_id character varying(255) NOT NULL,
    investigation_id character varying(255),
    cohort jsonb NOT NULL,
    evidence jsonb NOT NULL,
    metric text NOT NULL,
    observed double precision NOT NULL,
    expected double precision NOT NULL,
    score double precision NOT NULL,
    severity character varying(50) NOT NULL,
    status character varying(50) NOT NULL,
    persisted_n integer NOT NULL,
    first_seen timestamp with time zone,
    last_seen timestamp with time zone,
    embedding vector(384),
    created_at timestamp with time zone NOT NULL,
    window_duration_minutes double precision,
    window_end timestamp with time zone NOT NULL,
    window_start timestamp with time zone NOT NULL,
    CONSTRAINT pk_anomaly_events PRIMARY KEY (anomaly_id),
    CONSTRAINT ck_anomaly_events_persisted_n CHECK (persisted_n >= 1),
    CONSTRAINT ck_anomaly_events_score CHECK (score >= 0)
);

CREATE TABLE composio_action_audit (
    audit_id character varying(255) COLLATE "C" NOT NULL,
    action_id character varying(255) NOT NULL,
    toolkit_name character varying(255) NOT NULL,
    action_name character varying(255) NOT NULL,
    tenant_id character varying(255) NOT NULL,
    connection_id character varying(255) NOT NULL,
    execution_id character varying(255),
    parameters jsonb NOT NULL,
    result jsonb NOT NULL,
    status character varying(50) NOT NULL,
    executed_at timestamp with time zone NOT NULL,
    retry_count integer NOT NULL,
    error_message text,
    CONSTRAINT pk_composio_action_audit PRIMARY KEY (audit_id),
    CONSTRAINT ck_composio_action_audit_retry_count CHECK (retry_count >= 0)
);

CREATE TABLE composio_connections (
    connection_id character varying(255) COLLATE "C" NOT NULL,
    tenant_id character varying(255) NOT NULL,
    toolkit_name character varying(255) NOT NULL,
    composio_connection_id character varying(255) NOT NULL,
    status character varying(50) NOT NULL,
    encrypted_access_token text NOT NULL,
    refresh_token text,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_composio_connections PRIMARY KEY (connection_id)
);

CREATE TABLE detection_runs (
    run_id character varying(255) COLLATE "C" NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    duration_ms bigint,
    info jsonb NOT NULL,
    detector_id character varying(255) COLLATE "C" NOT NULL,
    detector_type character varying(50),
    status character varying(50) NOT NULL,
    tenant_id character varying(255) NOT NULL,
    window_duration_hours double precision,
    window_from timestamp with time zone NOT NULL,
    window_to timestamp with time zone NOT NULL,
    CONSTRAINT pk_detection_runs PRIMARY KEY (run_id),
    CONSTRAINT ck_detection_runs_duration CHECK (duration_ms IS NULL OR duration_ms >= 0)
);

CREATE TABLE detectors (
    detector_id character varying(255) COLLATE "C" NOT NULL,
    name character varying(500) NOT NULL,
    type character varying(50) NOT NULL,
    cohort_by jsonb NOT NULL,
    metrics jsonb NOT NULL,
    params jsonb NOT NULL,
    enabled boolean NOT NULL,
    tenant_id character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_detectors PRIMARY KEY (detector_id)
);

CREATE TABLE investigation_audit_log (
    entry_id character varying(255) COLLATE "C" NOT NULL,
    timestamp timestamp with time zone NOT NULL,
    changes jsonb NOT NULL,
    state_snapshot jsonb NOT NULL,
    from_version integer,
    to_version integer,
    ip_address text,
    user_agent text,
    action_type character varying(50) NOT NULL,
    investigation_id character varying(255) COLLATE "C" NOT NULL,
    source character varying(50) NOT NULL,
    tenant_id character varying(255) NOT NULL,
    user_id character varying(255) NOT NULL,
    CONSTRAINT pk_investigation_audit_log PRIMARY KEY (entry_id)
);

CREATE TABLE investigation_states (
    investigation_id character varying(255) COLLATE "C" NOT NULL,
    user_id character varying(255) NOT NULL,
    tenant_id character varying(255) NOT NULL,
    lifecycle_stage character varying(50) NOT NULL,
    status character varying(50) NOT NULL,
    settings jsonb,
    progress jsonb,
    results jsonb,
    version integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    last_accessed timestamp with time zone,
    metadata jsonb NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(settings->>'name', '') || ' ' || coalesce(settings->>'entity_value', '') || ' ' || coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || coalesce(results->>'summary', '') || ' ' || coalesce((results->'findings')::text, ''))) STORED,
    CONSTRAINT pk_investigation_states PRIMARY KEY (investigation_id),
    CONSTRAINT ck_investigation_states_version CHECK (version >= 1)
);

CREATE TABLE investigation_templates (
    template_id character varying(255) COLLATE "C" NOT NULL,
    user_id character varying(255) NOT NULL,
    tenant_id character varying(255) NOT NULL,
    name character varying(500) NOT NULL,
    description character varying(2000),
    tags text[] NOT NULL,
    template jsonb NOT NULL,
    usage_count bigint NOT NULL,
    last_used timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_investigation_templates PRIMARY KEY (template_id),
    CONSTRAINT ck_investigation_templates_usage_count CHECK (usage_count >= 0)
);

CREATE TABLE soar_playbook_executions (
    execution_id character varying(255) COLLATE "C" NOT NULL,
    playbook_id character varying(255) NOT NULL,
    tenant_id character varying(255) NOT NULL,
    investigation_id character varying(255),
    anomaly_id character varying(255),
    trigger_reason text,
    triggered_by text,
    status character varying(50) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    duration_ms bigint,
    actions_executed jsonb NOT NULL,
    error_message text,
    CONSTRAINT pk_soar_playbook_executions PRIMARY KEY (execution_id),
    CONSTRAINT ck_soar_playbook_executions_duration CHECK (duration_ms IS NULL OR duration_ms >= 0)
);

CREATE TABLE transaction_scores (
    investigation_id character varying(255) COLLATE "C" NOT NULL,
    transaction_id character varying(255) COLLATE "C" NOT NULL,
    tenant_id character varying(255) NOT NULL,
    risk_score double precision NOT NULL,
    score_components jsonb,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_transaction_scores PRIMARY KEY (investigation_id, transaction_id),
    CONSTRAINT ck_transaction_scores_risk_score CHECK (risk_score >= 0 AND risk_score <= 1)
);

CREATE INDEX ix_anomaly_events_embedding ON anomaly_events USING hnsw (embedding vector_cosine_ops);

CREATE INDEX ix_anomaly_events_tenant_id_detector_id_score ON anomaly_events (tenant_id, detector_id, score DESC);

CREATE INDEX ix_anomaly_events_tenant_id_investigation_id ON anomaly_events (tenant_id, investigation_id);

CREATE INDEX ix_anomaly_events_tenant_id_run_id_created_at ON anomaly_events (tenant_id, run_id, created_at DESC);

CREATE INDEX ix_anomaly_events_tenant_id_score ON anomaly_events (tenant_id, score DESC);

CREATE INDEX ix_anomaly_events_tenant_id_status_severity ON anomaly_events (tenant_id, status, severity);

CREATE INDEX ix_composio_action_audit_tenant_id_connection_id ON composio_action_audit (tenant_id, connection_id);

CREATE INDEX ix_composio_action_audit_tenant_id_executed_at ON composio_action_audit (tenant_id, executed_at DESC);

CREATE INDEX ix_composio_action_audit_tenant_id_status_executed_at ON composio_action_audit (tenant_id, status, executed_at);

CREATE INDEX ix_composio_action_audit_tenant_id_toolkit_name ON composio_action_audit (tenant_id, toolkit_name);

CREATE INDEX ix_composio_connections_tenant_id_expires_at ON composio_connections (tenant_id, expires_at);

CREATE INDEX ix_composio_connections_tenant_id_toolkit_name_status ON composio_connections (tenant_id, toolkit_name, status);

CREATE INDEX ix_detectors_tenant_id_enabled ON detectors (tenant_id, enabled);

CREATE INDEX ix_detectors_tenant_id_type_enabled ON detectors (tenant_id, type, enabled);

CREATE INDEX ix_investigation_states_search_vector ON investigation_states USING gin (search_vector);

CREATE INDEX ix_investigation_states_tenant_id_status ON investigation_states (tenant_id, status);

CREATE INDEX ix_investigation_states_tenant_id_updated_at ON investigation_states (tenant_id, updated_at DESC);

CREATE INDEX ix_investigation_states_tenant_id_user_id_created_at ON investigation_states (tenant_id, user_id, created_at DESC);

CREATE INDEX ix_investigation_templates_tenant_id_usage_count ON investigation_templates (tenant_id, usage_count DESC);

CREATE UNIQUE INDEX ix_investigation_templates_tenant_id_user_id_name ON investigation_templates (tenant_id, user_id, name);

CREATE INDEX ix_soar_playbook_executions_tenant_id_investigation_id_started ON soar_playbook_executions (tenant_id, investigation_id, started_at DESC);

CREATE INDEX ix_soar_playbook_executions_tenant_id_status_started_at ON soar_playbook_executions (tenant_id, status, started_at DESC);

CREATE INDEX ix_transaction_scores_tenant_id_created_at ON transaction_scores (tenant_id, created_at DESC);

CREATE INDEX ix_transaction_scores_tenant_id_investigation_id_risk_score ON transaction_scores (tenant_id, investigation_id, risk_score DESC);

CREATE INDEX ix_investigation_audit_log_tenant_investigation_timestamp ON investigation_audit_log (tenant_id, investigation_id, "timestamp" DESC);

CREATE INDEX ix_investigation_audit_log_tenant_timestamp ON investigation_audit_log (tenant_id, "timestamp" DESC);

CREATE INDEX ix_investigation_audit_log_tenant_action_type ON investigation_audit_log (tenant_id, action_type);

CREATE INDEX ix_detection_runs_tenant_started_at ON detection_runs (tenant_id, started_at DESC);

CREATE INDEX ix_detection_runs_tenant_detector_started_at ON detection_runs (tenant_id, detector_id, started_at DESC);

CREATE INDEX ix_detection_runs_tenant_status_started_at ON detection_runs (tenant_id, status, started_at DESC);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261124131928_InitialSchema', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE transaction_scores DROP CONSTRAINT pk_transaction_scores;

ALTER TABLE soar_playbook_executions DROP CONSTRAINT pk_soar_playbook_executions;

ALTER TABLE investigation_templates DROP CONSTRAINT pk_investigation_templates;

ALTER TABLE investigation_states DROP CONSTRAINT pk_investigation_states;

ALTER TABLE detectors DROP CONSTRAINT pk_detectors;

ALTER TABLE composio_connections DROP CONSTRAINT pk_composio_connections;

ALTER TABLE composio_action_audit DROP CONSTRAINT pk_composio_action_audit;

ALTER TABLE anomaly_events DROP CONSTRAINT pk_anomaly_events;

ALTER TABLE transaction_scores ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE soar_playbook_executions ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE investigation_templates ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE investigation_states ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE detectors ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE composio_connections ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE composio_action_audit ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE anomaly_events ALTER COLUMN tenant_id TYPE character varying(255) COLLATE "C";

ALTER TABLE investigation_states DROP COLUMN search_vector;

ALTER TABLE investigation_states ADD search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, left(coalesce(settings->>'name', '') || ' ' || coalesce(settings->>'entity_value', '') || ' ' || coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || coalesce(results->>'summary', '') || ' ' || coalesce((results->'findings')::text, ''), 200000))) STORED;

CREATE INDEX ix_investigation_states_search_vector ON investigation_states USING gin (search_vector);

ALTER TABLE transaction_scores ADD CONSTRAINT pk_transaction_scores PRIMARY KEY (tenant_id, investigation_id, transaction_id);

ALTER TABLE soar_playbook_executions ADD CONSTRAINT pk_soar_playbook_executions PRIMARY KEY (tenant_id, execution_id);

ALTER TABLE investigation_templates ADD CONSTRAINT pk_investigation_templates PRIMARY KEY (tenant_id, template_id);

ALTER TABLE investigation_states ADD CONSTRAINT pk_investigation_states PRIMARY KEY (tenant_id, investigation_id);

ALTER TABLE detectors ADD CONSTRAINT pk_detectors PRIMARY KEY (tenant_id, detector_id);

ALTER TABLE composio_connections ADD CONSTRAINT pk_composio_connections PRIMARY KEY (tenant_id, connection_id);

ALTER TABLE composio_action_audit ADD CONSTRAINT pk_composio_action_audit PRIMARY KEY (tenant_id, audit_id);

ALTER TABLE anomaly_events ADD CONSTRAINT pk_anomaly_events PRIMARY KEY (tenant_id, anomaly_id);

ALTER TABLE detection_runs DROP CONSTRAINT pk_detection_runs;

ALTER TABLE detection_runs ADD CONSTRAINT pk_detection_runs PRIMARY KEY (tenant_id, run_id);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261201182755_TenantScopedKeys', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE investigation_states ADD embedding vector(384);

CREATE INDEX ix_investigation_states_embedding ON investigation_states USING hnsw (embedding vector_cosine_ops);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261201183059_InvestigationEmbeddings', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE detection_runs ADD window_unknown_members jsonb NOT NULL DEFAULT ('{}'::jsonb);

ALTER TABLE anomaly_events ADD window_unknown_members jsonb NOT NULL DEFAULT ('{}'::jsonb);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261201211226_WindowUnknownMembers', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE TABLE row_counts (
    table_name character varying(63) COLLATE "C" NOT NULL,
    tenant_id character varying(255) COLLATE "C" NOT NULL,
    dimension character varying(63) COLLATE "C" NOT NULL,
    value character varying(255) COLLATE "C" NOT NULL,
    slot smallint NOT NULL,
    n bigint NOT NULL,
    CONSTRAINT pk_row_counts PRIMARY KEY (table_name, tenant_id, dimension, value, slot)
);

CREATE FUNCTION investigation_states_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_states', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_states', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'investigation_states';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_states', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER investigation_states_count_insert AFTER INSERT ON investigation_states REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_states_count_rows();
CREATE TRIGGER investigation_states_count_delete AFTER DELETE ON investigation_states REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_states_count_rows();
CREATE TRIGGER investigation_states_count_update AFTER UPDATE OF tenant_id, status ON investigation_states
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION investigation_states_count_rows();
CREATE TRIGGER investigation_states_count_truncate AFTER TRUNCATE ON investigation_states
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_states_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'investigation_states', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM investigation_states r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

CREATE FUNCTION anomaly_events_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'anomaly_events', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text), ('severity', r.severity::text), ('detector_id', r.detector_id::text), ('run_id', r.run_id::text), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'anomaly_events', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text), ('severity', r.severity::text), ('detector_id', r.detector_id::text), ('run_id', r.run_id::text), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'anomaly_events';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'anomaly_events', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1), (OLD.tenant_id, 'severity', OLD.severity::text, -1), (NEW.tenant_id, 'severity', NEW.severity::text, 1), (OLD.tenant_id, 'detector_id', OLD.detector_id::text, -1), (NEW.tenant_id, 'detector_id', NEW.detector_id::text, 1), (OLD.tenant_id, 'run_id', OLD.run_id::text, -1), (NEW.tenant_id, 'run_id', NEW.run_id::text, 1), (OLD.tenant_id, 'investigation_id', OLD.investigation_id::text, -1), (NEW.tenant_id, 'investigation_id', NEW.investigation_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER anomaly_events_count_insert AFTER INSERT ON anomaly_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_count_rows();
CREATE TRIGGER anomaly_events_count_delete AFTER DELETE ON anomaly_events REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_count_rows();
CREATE TRIGGER anomaly_events_count_update AFTER UPDATE OF tenant_id, status, severity, detector_id, run_id, investigation_id ON anomaly_events
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.status IS DISTINCT FROM NEW.status OR OLD.severity IS DISTINCT FROM NEW.severity OR OLD.detector_id IS DISTINCT FROM NEW.detector_id OR OLD.run_id IS DISTINCT FROM NEW.run_id OR OLD.investigation_id IS DISTINCT FROM NEW.investigation_id) EXECUTE FUNCTION anomaly_events_count_rows();
CREATE TRIGGER anomaly_events_count_truncate AFTER TRUNCATE ON anomaly_events
    FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'anomaly_events', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM anomaly_events r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text), ('severity', r.severity::text), ('detector_id', r.detector_id::text), ('run_id', r.run_id::text), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

CREATE FUNCTION transaction_scores_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'transaction_scores', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'transaction_scores', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'transaction_scores';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'transaction_scores', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'investigation_id', OLD.investigation_id::text, -1), (NEW.tenant_id, 'investigation_id', NEW.investigation_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER transaction_scores_count_insert AFTER INSERT ON transaction_scores REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION transaction_scores_count_rows();
CREATE TRIGGER transaction_scores_count_delete AFTER DELETE ON transaction_scores REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION transaction_scores_count_rows();
CREATE TRIGGER transaction_scores_count_update AFTER UPDATE OF tenant_id, investigation_id ON transaction_scores
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.investigation_id IS DISTINCT FROM NEW.investigation_id) EXECUTE FUNCTION transaction_scores_count_rows();
CREATE TRIGGER transaction_scores_count_truncate AFTER TRUNCATE ON transaction_scores
    FOR EACH STATEMENT EXECUTE FUNCTION transaction_scores_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'transaction_scores', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM transaction_scores r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261201212724_RowCounters', '10.0.15');

COMMIT;

START TRANSACTION;
DROP INDEX ix_transaction_scores_tenant_id_investigation_id_risk_score;

DROP INDEX ix_anomaly_events_tenant_id_detector_id_score;

DROP INDEX ix_anomaly_events_tenant_id_score;

CREATE INDEX ix_transaction_scores_tenant_id_investigation_id_risk_score_tr ON transaction_scores (tenant_id, investigation_id, risk_score DESC, transaction_id);

CREATE INDEX ix_anomaly_events_tenant_id_detector_id_score_anomaly_id ON anomaly_events (tenant_id, detector_id, score DESC, anomaly_id);

CREATE INDEX ix_anomaly_events_tenant_id_score_anomaly_id ON anomaly_events (tenant_id, score DESC, anomaly_id);

CREATE TABLE transaction_score_buckets (
    tenant_id character varying(255) COLLATE "C" NOT NULL,
    investigation_id character varying(255) COLLATE "C" NOT NULL,
    bucket integer NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (tenant_id, investigation_id, bucket));

CREATE FUNCTION transaction_score_buckets_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO transaction_score_buckets AS b (tenant_id, investigation_id, bucket, count)
SELECT tenant_id, investigation_id, LEAST(floor(risk_score * 10.0)::int, 9), count(*) FROM new_rows
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
ON CONFLICT (tenant_id, investigation_id, bucket) DO UPDATE SET count = b.count + EXCLUDED.count;
    RETURN NULL;
END $$;

CREATE FUNCTION transaction_score_buckets_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO transaction_score_buckets AS b (tenant_id, investigation_id, bucket, count)
SELECT tenant_id, investigation_id, LEAST(floor(risk_score * 10.0)::int, 9), -count(*) FROM old_rows
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
ON CONFLICT (tenant_id, investigation_id, bucket) DO UPDATE SET count = b.count + EXCLUDED.count;
    DELETE FROM transaction_score_buckets b USING (SELECT DISTINCT tenant_id, investigation_id FROM old_rows) o
    WHERE b.tenant_id = o.tenant_id AND b.investigation_id = o.investigation_id AND b.count = 0;
    RETURN NULL;
END $$;

CREATE FUNCTION transaction_score_buckets_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO transaction_score_buckets AS b (tenant_id, investigation_id, bucket, count)
SELECT tenant_id, investigation_id, bucket, sum(delta) FROM (
    SELECT tenant_id, investigation_id, LEAST(floor(risk_score * 10.0)::int, 9) AS bucket, -1 AS delta FROM old_rows
    UNION ALL
    SELECT tenant_id, investigation_id, LEAST(floor(risk_score * 10.0)::int, 9), 1 FROM new_rows) AS d
GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
ON CONFLICT (tenant_id, investigation_id, bucket) DO UPDATE SET count = b.count + EXCLUDED.count;
    RETURN NULL;
END $$;

CREATE FUNCTION transaction_score_buckets_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE transaction_score_buckets;
    RETURN NULL;
END $$;

CREATE TRIGGER transaction_score_buckets_insert AFTER INSERT ON transaction_scores
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION transaction_score_buckets_insert();
CREATE TRIGGER transaction_score_buckets_delete AFTER DELETE ON transaction_scores
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION transaction_score_buckets_delete();
CREATE TRIGGER transaction_score_buckets_update AFTER UPDATE ON transaction_scores
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION transaction_score_buckets_update();
CREATE TRIGGER transaction_score_buckets_truncate AFTER TRUNCATE ON transaction_scores
    FOR EACH STATEMENT EXECUTE FUNCTION transaction_score_buckets_truncate();

INSERT INTO transaction_score_buckets (tenant_id, investigation_id, bucket, count)
SELECT tenant_id, investigation_id, LEAST(floor(risk_score * 10.0)::int, 9), count(*) FROM transaction_scores GROUP BY 1, 2, 3;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261201213512_ScaleListIndexesAndScoreHistogram', '10.0.15');

COMMIT;

START TRANSACTION;
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

CREATE FUNCTION investigation_states_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'investigations', r.tenant_id, r.investigation_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'investigations', r.tenant_id, r.investigation_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER investigation_states_capture_insert AFTER INSERT ON investigation_states REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_states_capture_changes();
CREATE OR REPLACE TRIGGER investigation_states_capture_update AFTER UPDATE ON investigation_states REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_states_capture_changes();
CREATE OR REPLACE TRIGGER investigation_states_capture_delete AFTER DELETE ON investigation_states REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_states_capture_changes();

CREATE FUNCTION investigation_templates_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'templates', r.tenant_id, r.template_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'templates', r.tenant_id, r.template_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER investigation_templates_capture_insert AFTER INSERT ON investigation_templates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_templates_capture_changes();
CREATE OR REPLACE TRIGGER investigation_templates_capture_update AFTER UPDATE ON investigation_templates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_templates_capture_changes();
CREATE OR REPLACE TRIGGER investigation_templates_capture_delete AFTER DELETE ON investigation_templates REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_templates_capture_changes();

CREATE FUNCTION detectors_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'detectors', r.tenant_id, r.detector_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'detectors', r.tenant_id, r.detector_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER detectors_capture_insert AFTER INSERT ON detectors REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detectors_capture_changes();
CREATE OR REPLACE TRIGGER detectors_capture_update AFTER UPDATE ON detectors REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detectors_capture_changes();
CREATE OR REPLACE TRIGGER detectors_capture_delete AFTER DELETE ON detectors REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detectors_capture_changes();

CREATE FUNCTION detection_runs_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'detection_runs', r.tenant_id, r.run_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'detection_runs', r.tenant_id, r.run_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER detection_runs_capture_insert AFTER INSERT ON detection_runs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detection_runs_capture_changes();
CREATE OR REPLACE TRIGGER detection_runs_capture_update AFTER UPDATE ON detection_runs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detection_runs_capture_changes();
CREATE OR REPLACE TRIGGER detection_runs_capture_delete AFTER DELETE ON detection_runs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detection_runs_capture_changes();

CREATE FUNCTION anomaly_events_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'anomaly_events', r.tenant_id, r.anomaly_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'anomaly_events', r.tenant_id, r.anomaly_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER anomaly_events_capture_insert AFTER INSERT ON anomaly_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_capture_changes();
CREATE OR REPLACE TRIGGER anomaly_events_capture_update AFTER UPDATE ON anomaly_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_capture_changes();
CREATE OR REPLACE TRIGGER anomaly_events_capture_delete AFTER DELETE ON anomaly_events REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION anomaly_events_capture_changes();

CREATE FUNCTION transaction_scores_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'transaction_scores', r.tenant_id, r.investigation_id || '/' || r.transaction_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'transaction_scores', r.tenant_id, r.investigation_id || '/' || r.transaction_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER transaction_scores_capture_insert AFTER INSERT ON transaction_scores REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION transaction_scores_capture_changes();
CREATE OR REPLACE TRIGGER transaction_scores_capture_update AFTER UPDATE ON transaction_scores REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION transaction_scores_capture_changes();
CREATE OR REPLACE TRIGGER transaction_scores_capture_delete AFTER DELETE ON transaction_scores REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION transaction_scores_capture_changes();

CREATE FUNCTION investigation_audit_log_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'audit_log', r.tenant_id, r.entry_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'audit_log', r.tenant_id, r.entry_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER investigation_audit_log_capture_insert AFTER INSERT ON investigation_audit_log REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_audit_log_capture_changes();
CREATE OR REPLACE TRIGGER investigation_audit_log_capture_update AFTER UPDATE ON investigation_audit_log REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_audit_log_capture_changes();
CREATE OR REPLACE TRIGGER investigation_audit_log_capture_delete AFTER DELETE ON investigation_audit_log REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_audit_log_capture_changes();

CREATE FUNCTION composio_connections_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'composio_connections', r.tenant_id, r.connection_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'composio_connections', r.tenant_id, r.connection_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER composio_connections_capture_insert AFTER INSERT ON composio_connections REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_connections_capture_changes();
CREATE OR REPLACE TRIGGER composio_connections_capture_update AFTER UPDATE ON composio_connections REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_connections_capture_changes();
CREATE OR REPLACE TRIGGER composio_connections_capture_delete AFTER DELETE ON composio_connections REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_connections_capture_changes();

CREATE FUNCTION composio_action_audit_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'composio_action_audits', r.tenant_id, r.audit_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'composio_action_audits', r.tenant_id, r.audit_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER composio_action_audit_capture_insert AFTER INSERT ON composio_action_audit REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_action_audit_capture_changes();
CREATE OR REPLACE TRIGGER composio_action_audit_capture_update AFTER UPDATE ON composio_action_audit REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_action_audit_capture_changes();
CREATE OR REPLACE TRIGGER composio_action_audit_capture_delete AFTER DELETE ON composio_action_audit REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_action_audit_capture_changes();

CREATE FUNCTION soar_playbook_executions_capture_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'soar_playbook_executions', r.tenant_id, r.execution_id FROM old_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    ELSE
        INSERT INTO change_outbox (collection, tenant_id, document_id)
    SELECT 'soar_playbook_executions', r.tenant_id, r.execution_id FROM new_rows r
    WHERE (SELECT enabled FROM change_capture WHERE id = 1);
    END IF;
    RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER soar_playbook_executions_capture_insert AFTER INSERT ON soar_playbook_executions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION soar_playbook_executions_capture_changes();
CREATE OR REPLACE TRIGGER soar_playbook_executions_capture_update AFTER UPDATE ON soar_playbook_executions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION soar_playbook_executions_capture_changes();
CREATE OR REPLACE TRIGGER soar_playbook_executions_capture_delete AFTER DELETE ON soar_playbook_executions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION soar_playbook_executions_capture_changes();

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202000000_ChangeCaptureOutbox', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE FUNCTION detection_runs_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detection_runs', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('detector_id', r.detector_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detection_runs', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('detector_id', r.detector_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'detection_runs';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detection_runs', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'detector_id', OLD.detector_id::text, -1), (NEW.tenant_id, 'detector_id', NEW.detector_id::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER detection_runs_count_insert AFTER INSERT ON detection_runs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detection_runs_count_rows();
CREATE TRIGGER detection_runs_count_delete AFTER DELETE ON detection_runs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detection_runs_count_rows();
CREATE TRIGGER detection_runs_count_update AFTER UPDATE OF tenant_id, detector_id, status ON detection_runs
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.detector_id IS DISTINCT FROM NEW.detector_id OR OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION detection_runs_count_rows();
CREATE TRIGGER detection_runs_count_truncate AFTER TRUNCATE ON detection_runs
    FOR EACH STATEMENT EXECUTE FUNCTION detection_runs_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'detection_runs', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM detection_runs r CROSS JOIN LATERAL (VALUES ('', ''), ('detector_id', r.detector_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

CREATE FUNCTION detectors_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detectors', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('type', r.type::text), ('enabled', r.enabled::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detectors', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('type', r.type::text), ('enabled', r.enabled::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'detectors';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detectors', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'type', OLD.type::text, -1), (NEW.tenant_id, 'type', NEW.type::text, 1), (OLD.tenant_id, 'enabled', OLD.enabled::text, -1), (NEW.tenant_id, 'enabled', NEW.enabled::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER detectors_count_insert AFTER INSERT ON detectors REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detectors_count_rows();
CREATE TRIGGER detectors_count_delete AFTER DELETE ON detectors REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION detectors_count_rows();
CREATE TRIGGER detectors_count_update AFTER UPDATE OF tenant_id, type, enabled ON detectors
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.type IS DISTINCT FROM NEW.type OR OLD.enabled IS DISTINCT FROM NEW.enabled) EXECUTE FUNCTION detectors_count_rows();
CREATE TRIGGER detectors_count_truncate AFTER TRUNCATE ON detectors
    FOR EACH STATEMENT EXECUTE FUNCTION detectors_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'detectors', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM detectors r CROSS JOIN LATERAL (VALUES ('', ''), ('type', r.type::text), ('enabled', r.enabled::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

CREATE FUNCTION investigation_templates_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_templates', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('user_id', r.user_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_templates', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('user_id', r.user_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'investigation_templates';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_templates', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'user_id', OLD.user_id::text, -1), (NEW.tenant_id, 'user_id', NEW.user_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER investigation_templates_count_insert AFTER INSERT ON investigation_templates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_templates_count_rows();
CREATE TRIGGER investigation_templates_count_delete AFTER DELETE ON investigation_templates REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_templates_count_rows();
CREATE TRIGGER investigation_templates_count_update AFTER UPDATE OF tenant_id, user_id ON investigation_templates
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.user_id IS DISTINCT FROM NEW.user_id) EXECUTE FUNCTION investigation_templates_count_rows();
CREATE TRIGGER investigation_templates_count_truncate AFTER TRUNCATE ON investigation_templates
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_templates_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'investigation_templates', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM investigation_templates r CROSS JOIN LATERAL (VALUES ('', ''), ('user_id', r.user_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

CREATE FUNCTION soar_playbook_executions_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'soar_playbook_executions', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text), ('playbook_id', r.playbook_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'soar_playbook_executions', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text), ('playbook_id', r.playbook_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'soar_playbook_executions';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'soar_playbook_executions', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'investigation_id', OLD.investigation_id::text, -1), (NEW.tenant_id, 'investigation_id', NEW.investigation_id::text, 1), (OLD.tenant_id, 'playbook_id', OLD.playbook_id::text, -1), (NEW.tenant_id, 'playbook_id', NEW.playbook_id::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER soar_playbook_executions_count_insert AFTER INSERT ON soar_playbook_executions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION soar_playbook_executions_count_rows();
CREATE TRIGGER soar_playbook_executions_count_delete AFTER DELETE ON soar_playbook_executions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION soar_playbook_executions_count_rows();
CREATE TRIGGER soar_playbook_executions_count_update AFTER UPDATE OF tenant_id, investigation_id, playbook_id, status ON soar_playbook_executions
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.investigation_id IS DISTINCT FROM NEW.investigation_id OR OLD.playbook_id IS DISTINCT FROM NEW.playbook_id OR OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION soar_playbook_executions_count_rows();
CREATE TRIGGER soar_playbook_executions_count_truncate AFTER TRUNCATE ON soar_playbook_executions
    FOR EACH STATEMENT EXECUTE FUNCTION soar_playbook_executions_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'soar_playbook_executions', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM soar_playbook_executions r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text), ('playbook_id', r.playbook_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

CREATE FUNCTION composio_connections_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_connections', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_connections', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'composio_connections';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_connections', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'toolkit_name', OLD.toolkit_name::text, -1), (NEW.tenant_id, 'toolkit_name', NEW.toolkit_name::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER composio_connections_count_insert AFTER INSERT ON composio_connections REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_connections_count_rows();
CREATE TRIGGER composio_connections_count_delete AFTER DELETE ON composio_connections REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_connections_count_rows();
CREATE TRIGGER composio_connections_count_update AFTER UPDATE OF tenant_id, toolkit_name, status ON composio_connections
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.toolkit_name IS DISTINCT FROM NEW.toolkit_name OR OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION composio_connections_count_rows();
CREATE TRIGGER composio_connections_count_truncate AFTER TRUNCATE ON composio_connections
    FOR EACH STATEMENT EXECUTE FUNCTION composio_connections_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'composio_connections', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM composio_connections r CROSS JOIN LATERAL (VALUES ('', ''), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

CREATE FUNCTION composio_action_audit_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_action_audit', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('connection_id', r.connection_id::text), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text), ('execution_id', r.execution_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_action_audit', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('connection_id', r.connection_id::text), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text), ('execution_id', r.execution_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'composio_action_audit';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_action_audit', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 16)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'connection_id', OLD.connection_id::text, -1), (NEW.tenant_id, 'connection_id', NEW.connection_id::text, 1), (OLD.tenant_id, 'toolkit_name', OLD.toolkit_name::text, -1), (NEW.tenant_id, 'toolkit_name', NEW.toolkit_name::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1), (OLD.tenant_id, 'execution_id', OLD.execution_id::text, -1), (NEW.tenant_id, 'execution_id', NEW.execution_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER composio_action_audit_count_insert AFTER INSERT ON composio_action_audit REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_action_audit_count_rows();
CREATE TRIGGER composio_action_audit_count_delete AFTER DELETE ON composio_action_audit REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION composio_action_audit_count_rows();
CREATE TRIGGER composio_action_audit_count_update AFTER UPDATE OF tenant_id, connection_id, toolkit_name, status, execution_id ON composio_action_audit
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.connection_id IS DISTINCT FROM NEW.connection_id OR OLD.toolkit_name IS DISTINCT FROM NEW.toolkit_name OR OLD.status IS DISTINCT FROM NEW.status OR OLD.execution_id IS DISTINCT FROM NEW.execution_id) EXECUTE FUNCTION composio_action_audit_count_rows();
CREATE TRIGGER composio_action_audit_count_truncate AFTER TRUNCATE ON composio_action_audit
    FOR EACH STATEMENT EXECUTE FUNCTION composio_action_audit_count_rows();

INSERT INTO row_counts (table_name, tenant_id, dimension, value, slot, n)
SELECT 'composio_action_audit', k.tenant_id, k.dimension, k.value, 0, count(*)
FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM composio_action_audit r CROSS JOIN LATERAL (VALUES ('', ''), ('connection_id', r.connection_id::text), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text), ('execution_id', r.execution_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
WHERE k.value IS NOT NULL
GROUP BY k.tenant_id, k.dimension, k.value;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202001500_RowCountersForEveryList', '10.0.15');

COMMIT;

START TRANSACTION;
DO $do$
BEGIN
    IF NOT (SELECT enabled FROM change_capture WHERE id = 1) THEN
        DROP TRIGGER IF EXISTS investigation_states_capture_insert ON investigation_states;
DROP TRIGGER IF EXISTS investigation_states_capture_update ON investigation_states;
DROP TRIGGER IF EXISTS investigation_states_capture_delete ON investigation_states;
DROP TRIGGER IF EXISTS investigation_templates_capture_insert ON investigation_templates;
DROP TRIGGER IF EXISTS investigation_templates_capture_update ON investigation_templates;
DROP TRIGGER IF EXISTS investigation_templates_capture_delete ON investigation_templates;
DROP TRIGGER IF EXISTS detectors_capture_insert ON detectors;
DROP TRIGGER IF EXISTS detectors_capture_update ON detectors;
DROP TRIGGER IF EXISTS detectors_capture_delete ON detectors;
DROP TRIGGER IF EXISTS detection_runs_capture_insert ON detection_runs;
DROP TRIGGER IF EXISTS detection_runs_capture_update ON detection_runs;
DROP TRIGGER IF EXISTS detection_runs_capture_delete ON detection_runs;
DROP TRIGGER IF EXISTS anomaly_events_capture_insert ON anomaly_events;
DROP TRIGGER IF EXISTS anomaly_events_capture_update ON anomaly_events;
DROP TRIGGER IF EXISTS anomaly_events_capture_delete ON anomaly_events;
DROP TRIGGER IF EXISTS transaction_scores_capture_insert ON transaction_scores;
DROP TRIGGER IF EXISTS transaction_scores_capture_update ON transaction_scores;
DROP TRIGGER IF EXISTS transaction_scores_capture_delete ON transaction_scores;
DROP TRIGGER IF EXISTS investigation_audit_log_capture_insert ON investigation_audit_log;
DROP TRIGGER IF EXISTS investigation_audit_log_capture_update ON investigation_audit_log;
DROP TRIGGER IF EXISTS investigation_audit_log_capture_delete ON investigation_audit_log;
DROP TRIGGER IF EXISTS composio_connections_capture_insert ON composio_connections;
DROP TRIGGER IF EXISTS composio_connections_capture_update ON composio_connections;
DROP TRIGGER IF EXISTS composio_connections_capture_delete ON composio_connections;
DROP TRIGGER IF EXISTS composio_action_audit_capture_insert ON composio_action_audit;
DROP TRIGGER IF EXISTS composio_action_audit_capture_update ON composio_action_audit;
DROP TRIGGER IF EXISTS composio_action_audit_capture_delete ON composio_action_audit;
DROP TRIGGER IF EXISTS soar_playbook_executions_capture_insert ON soar_playbook_executions;
DROP TRIGGER IF EXISTS soar_playbook_executions_capture_update ON soar_playbook_executions;
DROP TRIGGER IF EXISTS soar_playbook_executions_capture_delete ON soar_playbook_executions;
    END IF;
END
$do$;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202030000_CaptureTriggersOnlyWhileCapturing', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE anomaly_events ADD change_xid bigint NOT NULL DEFAULT ((pg_current_xact_id()::text::bigint));

CREATE TABLE anomaly_change_horizon (
    id smallint NOT NULL,
    pruned_through bigint NOT NULL,
    CONSTRAINT pk_anomaly_change_horizon PRIMARY KEY (id),
    CONSTRAINT ck_anomaly_change_horizon_id CHECK (id = 1)
);

CREATE TABLE anomaly_event_deletions (
    tenant_id character varying(255) COLLATE "C" NOT NULL,
    change_xid bigint NOT NULL,
    anomaly_id character varying(255) COLLATE "C" NOT NULL,
    deleted_at timestamp with time zone NOT NULL DEFAULT (clock_timestamp()),
    CONSTRAINT pk_anomaly_event_deletions PRIMARY KEY (tenant_id, change_xid, anomaly_id)
);

CREATE INDEX ix_anomaly_events_tenant_id_change_xid ON anomaly_events (tenant_id, change_xid);

CREATE INDEX ix_anomaly_event_deletions_deleted_at ON anomaly_event_deletions (deleted_at);

INSERT INTO anomaly_change_horizon (id, pruned_through) VALUES (1, 0);

CREATE FUNCTION anomaly_events_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.change_xid := (pg_current_xact_id()::text::bigint);
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
        UPDATE anomaly_change_horizon SET pruned_through = greatest(pruned_through, (pg_current_xact_id()::text::bigint)) WHERE id = 1;
        RETURN NULL;
    END IF;
    INSERT INTO anomaly_event_deletions (tenant_id, change_xid, anomaly_id)
        SELECT r.tenant_id, (pg_current_xact_id()::text::bigint), r.anomaly_id FROM old_rows r
        ON CONFLICT DO NOTHING;
    -- Entries older than the retention go; the horizon row is locked only when something was pruned.
    WITH pruned AS (
        DELETE FROM anomaly_event_deletions WHERE deleted_at < clock_timestamp() - interval '7 days'
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

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202055647_ExactIndexChangeLog', '10.0.15');

COMMIT;

START TRANSACTION;
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

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202060000_RelayDeadLetters', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE investigation_states SET (fillfactor=80);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202131739_InvestigationStatesFillFactor', '10.0.15');

COMMIT;

START TRANSACTION;
DO $$BEGIN PERFORM gin_clean_pending_list('ix_investigation_states_search_vector'); END$$;

ALTER TABLE row_counts SET (vacuum_truncate=false);

CREATE OR REPLACE FUNCTION investigation_states_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_states', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_states', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'investigation_states';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_states', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION anomaly_events_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'anomaly_events', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text), ('severity', r.severity::text), ('detector_id', r.detector_id::text), ('run_id', r.run_id::text), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'anomaly_events', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('status', r.status::text), ('severity', r.severity::text), ('detector_id', r.detector_id::text), ('run_id', r.run_id::text), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'anomaly_events';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'anomaly_events', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1), (OLD.tenant_id, 'severity', OLD.severity::text, -1), (NEW.tenant_id, 'severity', NEW.severity::text, 1), (OLD.tenant_id, 'detector_id', OLD.detector_id::text, -1), (NEW.tenant_id, 'detector_id', NEW.detector_id::text, 1), (OLD.tenant_id, 'run_id', OLD.run_id::text, -1), (NEW.tenant_id, 'run_id', NEW.run_id::text, 1), (OLD.tenant_id, 'investigation_id', OLD.investigation_id::text, -1), (NEW.tenant_id, 'investigation_id', NEW.investigation_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION transaction_scores_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'transaction_scores', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'transaction_scores', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'transaction_scores';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'transaction_scores', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'investigation_id', OLD.investigation_id::text, -1), (NEW.tenant_id, 'investigation_id', NEW.investigation_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION detection_runs_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detection_runs', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('detector_id', r.detector_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detection_runs', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('detector_id', r.detector_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'detection_runs';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detection_runs', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'detector_id', OLD.detector_id::text, -1), (NEW.tenant_id, 'detector_id', NEW.detector_id::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION detectors_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detectors', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('type', r.type::text), ('enabled', r.enabled::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detectors', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('type', r.type::text), ('enabled', r.enabled::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'detectors';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'detectors', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'type', OLD.type::text, -1), (NEW.tenant_id, 'type', NEW.type::text, 1), (OLD.tenant_id, 'enabled', OLD.enabled::text, -1), (NEW.tenant_id, 'enabled', NEW.enabled::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION investigation_templates_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_templates', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('user_id', r.user_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_templates', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('user_id', r.user_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'investigation_templates';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'investigation_templates', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'user_id', OLD.user_id::text, -1), (NEW.tenant_id, 'user_id', NEW.user_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION soar_playbook_executions_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'soar_playbook_executions', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text), ('playbook_id', r.playbook_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'soar_playbook_executions', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('investigation_id', r.investigation_id::text), ('playbook_id', r.playbook_id::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'soar_playbook_executions';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'soar_playbook_executions', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'investigation_id', OLD.investigation_id::text, -1), (NEW.tenant_id, 'investigation_id', NEW.investigation_id::text, 1), (OLD.tenant_id, 'playbook_id', OLD.playbook_id::text, -1), (NEW.tenant_id, 'playbook_id', NEW.playbook_id::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION composio_connections_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_connections', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_connections', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'composio_connections';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_connections', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'toolkit_name', OLD.toolkit_name::text, -1), (NEW.tenant_id, 'toolkit_name', NEW.toolkit_name::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION composio_action_audit_count_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_action_audit', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, 1 FROM new_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('connection_id', r.connection_id::text), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text), ('execution_id', r.execution_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_action_audit', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (SELECT r.tenant_id, k.dimension, k.value, -1 FROM old_rows r CROSS JOIN LATERAL (VALUES ('', ''), ('connection_id', r.connection_id::text), ('toolkit_name', r.toolkit_name::text), ('status', r.status::text), ('execution_id', r.execution_id::text)) AS k(dimension, value)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM row_counts WHERE table_name = 'composio_action_audit';
    ELSE
        INSERT INTO row_counts AS c (table_name, tenant_id, dimension, value, slot, n)
    SELECT 'composio_action_audit', k.tenant_id, k.dimension, k.value, (pg_backend_pid() % 64)::smallint, sum(k.delta)
    FROM (VALUES (OLD.tenant_id, '', '', -1), (NEW.tenant_id, '', '', 1), (OLD.tenant_id, 'connection_id', OLD.connection_id::text, -1), (NEW.tenant_id, 'connection_id', NEW.connection_id::text, 1), (OLD.tenant_id, 'toolkit_name', OLD.toolkit_name::text, -1), (NEW.tenant_id, 'toolkit_name', NEW.toolkit_name::text, 1), (OLD.tenant_id, 'status', OLD.status::text, -1), (NEW.tenant_id, 'status', NEW.status::text, 1), (OLD.tenant_id, 'execution_id', OLD.execution_id::text, -1), (NEW.tenant_id, 'execution_id', NEW.execution_id::text, 1)) AS k(tenant_id, dimension, value, delta)
    WHERE k.value IS NOT NULL
    GROUP BY k.tenant_id, k.dimension, k.value
    HAVING sum(k.delta) <> 0
    ORDER BY 2, 3, 4
    ON CONFLICT (table_name, tenant_id, dimension, value, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$fn$;

ALTER INDEX ix_investigation_states_search_vector SET (fastupdate = false);

DO $$BEGIN PERFORM gin_clean_pending_list('ix_investigation_states_search_vector'); END$$;

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202160244_WriteStallsUnderLoad', '10.0.15');

COMMIT;

START TRANSACTION;
ALTER TABLE change_outbox SET (vacuum_truncate = false);

INSERT INTO __ef_migrations_history (migration_id, product_version)
VALUES ('20261202170000_OutboxVacuumTruncateOff', '10.0.15');

COMMIT;

