using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;
using Pgvector;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.CreateTable(
                name: "anomaly_events",
                columns: table => new
                {
                    anomaly_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    run_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    detector_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    investigation_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    cohort = table.Column<string>(type: "jsonb", nullable: false),
                    evidence = table.Column<string>(type: "jsonb", nullable: false),
                    metric = table.Column<string>(type: "text", nullable: false),
                    observed = table.Column<double>(type: "double precision", nullable: false),
                    expected = table.Column<double>(type: "double precision", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false),
                    severity = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    persisted_n = table.Column<int>(type: "integer", nullable: false),
                    first_seen = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_seen = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    embedding = table.Column<Vector>(type: "vector(384)", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    window_duration_minutes = table.Column<double>(type: "double precision", nullable: true),
                    window_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    window_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_anomaly_events", x => x.anomaly_id);
                    table.CheckConstraint("ck_anomaly_events_persisted_n", "persisted_n >= 1");
                    table.CheckConstraint("ck_anomaly_events_score", "score >= 0");
                });

            migrationBuilder.CreateTable(
                name: "composio_action_audit",
                columns: table => new
                {
                    audit_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    action_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    toolkit_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    action_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    connection_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    execution_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    result = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    executed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    retry_count = table.Column<int>(type: "integer", nullable: false),
                    error_message = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_composio_action_audit", x => x.audit_id);
                    table.CheckConstraint("ck_composio_action_audit_retry_count", "retry_count >= 0");
                });

            migrationBuilder.CreateTable(
                name: "composio_connections",
                columns: table => new
                {
                    connection_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    toolkit_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    composio_connection_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    encrypted_access_token = table.Column<string>(type: "text", nullable: false),
                    refresh_token = table.Column<string>(type: "text", nullable: true),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_used_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_composio_connections", x => x.connection_id);
                });

            migrationBuilder.CreateTable(
                name: "detection_runs",
                columns: table => new
                {
                    run_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    duration_ms = table.Column<long>(type: "bigint", nullable: true),
                    info = table.Column<string>(type: "jsonb", nullable: false),
                    detector_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    detector_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    window_duration_hours = table.Column<double>(type: "double precision", nullable: true),
                    window_from = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    window_to = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detection_runs", x => x.run_id);
                    table.CheckConstraint("ck_detection_runs_duration", "duration_ms IS NULL OR duration_ms >= 0");
                });

            migrationBuilder.CreateTable(
                name: "detectors",
                columns: table => new
                {
                    detector_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    cohort_by = table.Column<string>(type: "jsonb", nullable: false),
                    metrics = table.Column<string>(type: "jsonb", nullable: false),
                    @params = table.Column<string>(name: "params", type: "jsonb", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detectors", x => x.detector_id);
                });

            migrationBuilder.CreateTable(
                name: "investigation_audit_log",
                columns: table => new
                {
                    entry_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    timestamp = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    changes = table.Column<string>(type: "jsonb", nullable: false),
                    state_snapshot = table.Column<string>(type: "jsonb", nullable: false),
                    from_version = table.Column<int>(type: "integer", nullable: true),
                    to_version = table.Column<int>(type: "integer", nullable: true),
                    ip_address = table.Column<string>(type: "text", nullable: true),
                    user_agent = table.Column<string>(type: "text", nullable: true),
                    action_type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    investigation_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    source = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    user_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_investigation_audit_log", x => x.entry_id);
                });

            migrationBuilder.CreateTable(
                name: "investigation_states",
                columns: table => new
                {
                    investigation_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    user_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    lifecycle_stage = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: true),
                    progress = table.Column<string>(type: "jsonb", nullable: true),
                    results = table.Column<string>(type: "jsonb", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_accessed = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: false),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true, computedColumnSql: "to_tsvector('english'::regconfig, coalesce(settings->>'name', '') || ' ' || coalesce(settings->>'entity_value', '') || ' ' || coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || coalesce(results->>'summary', '') || ' ' || coalesce((results->'findings')::text, ''))", stored: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_investigation_states", x => x.investigation_id);
                    table.CheckConstraint("ck_investigation_states_version", "version >= 1");
                });

            migrationBuilder.CreateTable(
                name: "investigation_templates",
                columns: table => new
                {
                    template_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    user_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    template = table.Column<string>(type: "jsonb", nullable: false),
                    usage_count = table.Column<long>(type: "bigint", nullable: false),
                    last_used = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_investigation_templates", x => x.template_id);
                    table.CheckConstraint("ck_investigation_templates_usage_count", "usage_count >= 0");
                });

            migrationBuilder.CreateTable(
                name: "soar_playbook_executions",
                columns: table => new
                {
                    execution_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    playbook_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    investigation_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    anomaly_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    trigger_reason = table.Column<string>(type: "text", nullable: true),
                    triggered_by = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    duration_ms = table.Column<long>(type: "bigint", nullable: true),
                    actions_executed = table.Column<string>(type: "jsonb", nullable: false),
                    error_message = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_soar_playbook_executions", x => x.execution_id);
                    table.CheckConstraint("ck_soar_playbook_executions_duration", "duration_ms IS NULL OR duration_ms >= 0");
                });

            migrationBuilder.CreateTable(
                name: "transaction_scores",
                columns: table => new
                {
                    investigation_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    transaction_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    risk_score = table.Column<double>(type: "double precision", nullable: false),
                    score_components = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transaction_scores", x => new { x.investigation_id, x.transaction_id });
                    table.CheckConstraint("ck_transaction_scores_risk_score", "risk_score >= 0 AND risk_score <= 1");
                });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_embedding",
                table: "anomaly_events",
                column: "embedding")
                .Annotation("Npgsql:IndexMethod", "hnsw")
                .Annotation("Npgsql:IndexOperators", new[] { "vector_cosine_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_detector_id_score",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "detector_id", "score" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_investigation_id",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "investigation_id" });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_run_id_created_at",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "run_id", "created_at" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_score",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "score" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_status_severity",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "status", "severity" });

            migrationBuilder.CreateIndex(
                name: "ix_composio_action_audit_tenant_id_connection_id",
                table: "composio_action_audit",
                columns: new[] { "tenant_id", "connection_id" });

            migrationBuilder.CreateIndex(
                name: "ix_composio_action_audit_tenant_id_executed_at",
                table: "composio_action_audit",
                columns: new[] { "tenant_id", "executed_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_composio_action_audit_tenant_id_status_executed_at",
                table: "composio_action_audit",
                columns: new[] { "tenant_id", "status", "executed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_composio_action_audit_tenant_id_toolkit_name",
                table: "composio_action_audit",
                columns: new[] { "tenant_id", "toolkit_name" });

            migrationBuilder.CreateIndex(
                name: "ix_composio_connections_tenant_id_expires_at",
                table: "composio_connections",
                columns: new[] { "tenant_id", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_composio_connections_tenant_id_toolkit_name_status",
                table: "composio_connections",
                columns: new[] { "tenant_id", "toolkit_name", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_detectors_tenant_id_enabled",
                table: "detectors",
                columns: new[] { "tenant_id", "enabled" });

            migrationBuilder.CreateIndex(
                name: "ix_detectors_tenant_id_type_enabled",
                table: "detectors",
                columns: new[] { "tenant_id", "type", "enabled" });

            migrationBuilder.CreateIndex(
                name: "ix_investigation_states_search_vector",
                table: "investigation_states",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_investigation_states_tenant_id_status",
                table: "investigation_states",
                columns: new[] { "tenant_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_investigation_states_tenant_id_updated_at",
                table: "investigation_states",
                columns: new[] { "tenant_id", "updated_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_investigation_states_tenant_id_user_id_created_at",
                table: "investigation_states",
                columns: new[] { "tenant_id", "user_id", "created_at" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_investigation_templates_tenant_id_usage_count",
                table: "investigation_templates",
                columns: new[] { "tenant_id", "usage_count" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_investigation_templates_tenant_id_user_id_name",
                table: "investigation_templates",
                columns: new[] { "tenant_id", "user_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_soar_playbook_executions_tenant_id_investigation_id_started",
                table: "soar_playbook_executions",
                columns: new[] { "tenant_id", "investigation_id", "started_at" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_soar_playbook_executions_tenant_id_status_started_at",
                table: "soar_playbook_executions",
                columns: new[] { "tenant_id", "status", "started_at" },
                descending: new[] { false, false, true });

            migrationBuilder.CreateIndex(
                name: "ix_transaction_scores_tenant_id_created_at",
                table: "transaction_scores",
                columns: new[] { "tenant_id", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_transaction_scores_tenant_id_investigation_id_risk_score",
                table: "transaction_scores",
                columns: new[] { "tenant_id", "investigation_id", "risk_score" },
                descending: new[] { false, false, true });

            // Indexes over columns flattened from complex types (metadata, window): EF Core cannot declare them.
            migrationBuilder.Sql("CREATE INDEX ix_investigation_audit_log_tenant_investigation_timestamp ON investigation_audit_log (tenant_id, investigation_id, \"timestamp\" DESC);");
            migrationBuilder.Sql("CREATE INDEX ix_investigation_audit_log_tenant_timestamp ON investigation_audit_log (tenant_id, \"timestamp\" DESC);");
            migrationBuilder.Sql("CREATE INDEX ix_investigation_audit_log_tenant_action_type ON investigation_audit_log (tenant_id, action_type);");
            migrationBuilder.Sql("CREATE INDEX ix_detection_runs_tenant_started_at ON detection_runs (tenant_id, started_at DESC);");
            migrationBuilder.Sql("CREATE INDEX ix_detection_runs_tenant_detector_started_at ON detection_runs (tenant_id, detector_id, started_at DESC);");
            migrationBuilder.Sql("CREATE INDEX ix_detection_runs_tenant_status_started_at ON detection_runs (tenant_id, status, started_at DESC);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "anomaly_events");

            migrationBuilder.DropTable(
                name: "composio_action_audit");

            migrationBuilder.DropTable(
                name: "composio_connections");

            migrationBuilder.DropTable(
                name: "detection_runs");

            migrationBuilder.DropTable(
                name: "detectors");

            migrationBuilder.DropTable(
                name: "investigation_audit_log");

            migrationBuilder.DropTable(
                name: "investigation_states");

            migrationBuilder.DropTable(
                name: "investigation_templates");

            migrationBuilder.DropTable(
                name: "soar_playbook_executions");

            migrationBuilder.DropTable(
                name: "transaction_scores");
        }
    }
}
