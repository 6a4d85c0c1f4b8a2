using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// Ids are unique per tenant (DATA-MODEL Decision 4, revised): every table's key is led by tenant_id (collation
    /// "C", so exports in key order match MongoDB's), so another tenant may use the same id and an id already taken
    /// elsewhere is no longer an existence oracle. Also bounds the indexed search text below the tsvector limit.
    /// </summary>
    public partial class TenantScopedKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_transaction_scores",
                table: "transaction_scores");

            migrationBuilder.DropPrimaryKey(
                name: "pk_soar_playbook_executions",
                table: "soar_playbook_executions");

            migrationBuilder.DropPrimaryKey(
                name: "pk_investigation_templates",
                table: "investigation_templates");

            migrationBuilder.DropPrimaryKey(
                name: "pk_investigation_states",
                table: "investigation_states");

            migrationBuilder.DropPrimaryKey(
                name: "pk_detectors",
                table: "detectors");

            migrationBuilder.DropPrimaryKey(
                name: "pk_composio_connections",
                table: "composio_connections");

            migrationBuilder.DropPrimaryKey(
                name: "pk_composio_action_audit",
                table: "composio_action_audit");

            migrationBuilder.DropPrimaryKey(
                name: "pk_anomaly_events",
                table: "anomaly_events");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "transaction_scores",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "soar_playbook_executions",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "investigation_templates",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "investigation_states",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "detectors",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "composio_connections",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "composio_action_audit",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "anomaly_events",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<NpgsqlTsVector>(
                name: "search_vector",
                table: "investigation_states",
                type: "tsvector",
                nullable: true,
                computedColumnSql: "to_tsvector('english'::regconfig, left(coalesce(settings->>'name', '') || ' ' || coalesce(settings->>'entity_value', '') || ' ' || coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || coalesce(results->>'summary', '') || ' ' || coalesce((results->'findings')::text, ''), 200000))",
                stored: true,
                oldClrType: typeof(NpgsqlTsVector),
                oldType: "tsvector",
                oldNullable: true,
                oldComputedColumnSql: "to_tsvector('english'::regconfig, coalesce(settings->>'name', '') || ' ' || coalesce(settings->>'entity_value', '') || ' ' || coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || coalesce(results->>'summary', '') || ' ' || coalesce((results->'findings')::text, ''))",
                oldStored: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_transaction_scores",
                table: "transaction_scores",
                columns: new[] { "tenant_id", "investigation_id", "transaction_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_soar_playbook_executions",
                table: "soar_playbook_executions",
                columns: new[] { "tenant_id", "execution_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_investigation_templates",
                table: "investigation_templates",
                columns: new[] { "tenant_id", "template_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_investigation_states",
                table: "investigation_states",
                columns: new[] { "tenant_id", "investigation_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_detectors",
                table: "detectors",
                columns: new[] { "tenant_id", "detector_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_composio_connections",
                table: "composio_connections",
                columns: new[] { "tenant_id", "connection_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_composio_action_audit",
                table: "composio_action_audit",
                columns: new[] { "tenant_id", "audit_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_anomaly_events",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "anomaly_id" });

            // detection_runs keeps tenant_id inside a complex type, which EF Core cannot put in a key: the model keys on
            // run_id and the table's key is (tenant_id, run_id), set here (Decision 4 revised: ids unique per tenant).
            migrationBuilder.Sql("ALTER TABLE detection_runs DROP CONSTRAINT pk_detection_runs;");
            migrationBuilder.Sql("ALTER TABLE detection_runs ADD CONSTRAINT pk_detection_runs PRIMARY KEY (tenant_id, run_id);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE detection_runs DROP CONSTRAINT pk_detection_runs;");
            migrationBuilder.Sql("ALTER TABLE detection_runs ADD CONSTRAINT pk_detection_runs PRIMARY KEY (run_id);");

            migrationBuilder.DropPrimaryKey(
                name: "pk_transaction_scores",
                table: "transaction_scores");

            migrationBuilder.DropPrimaryKey(
                name: "pk_soar_playbook_executions",
                table: "soar_playbook_executions");

            migrationBuilder.DropPrimaryKey(
                name: "pk_investigation_templates",
                table: "investigation_templates");

            migrationBuilder.DropPrimaryKey(
                name: "pk_investigation_states",
                table: "investigation_states");

            migrationBuilder.DropPrimaryKey(
                name: "pk_detectors",
                table: "detectors");

            migrationBuilder.DropPrimaryKey(
                name: "pk_composio_connections",
                table: "composio_connections");

            migrationBuilder.DropPrimaryKey(
                name: "pk_composio_action_audit",
                table: "composio_action_audit");

            migrationBuilder.DropPrimaryKey(
                name: "pk_anomaly_events",
                table: "anomaly_events");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "transaction_scores",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "soar_playbook_executions",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "investigation_templates",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "investigation_states",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "detectors",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "composio_connections",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "composio_action_audit",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<string>(
                name: "tenant_id",
                table: "anomaly_events",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255,
                oldCollation: "C");

            migrationBuilder.AlterColumn<NpgsqlTsVector>(
                name: "search_vector",
                table: "investigation_states",
                type: "tsvector",
                nullable: true,
                computedColumnSql: "to_tsvector('english'::regconfig, coalesce(settings->>'name', '') || ' ' || coalesce(settings->>'entity_value', '') || ' ' || coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || coalesce(results->>'summary', '') || ' ' || coalesce((results->'findings')::text, ''))",
                stored: true,
                oldClrType: typeof(NpgsqlTsVector),
                oldType: "tsvector",
                oldNullable: true,
                oldComputedColumnSql: "to_tsvector('english'::regconfig, left(coalesce(settings->>'name', '') || ' ' || coalesce(settings->>'entity_value', '') || ' ' || coalesce(jsonb_path_query_array(settings, '$.entities[*].entity_value')::text, '') || ' ' || coalesce(results->>'summary', '') || ' ' || coalesce((results->'findings')::text, ''), 200000))",
                oldStored: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_transaction_scores",
                table: "transaction_scores",
                columns: new[] { "investigation_id", "transaction_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_soar_playbook_executions",
                table: "soar_playbook_executions",
                column: "execution_id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_investigation_templates",
                table: "investigation_templates",
                column: "template_id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_investigation_states",
                table: "investigation_states",
                column: "investigation_id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_detectors",
                table: "detectors",
                column: "detector_id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_composio_connections",
                table: "composio_connections",
                column: "connection_id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_composio_action_audit",
                table: "composio_action_audit",
                column: "audit_id");

            migrationBuilder.AddPrimaryKey(
                name: "pk_anomaly_events",
                table: "anomaly_events",
                column: "anomaly_id");
        }
    }
}
