using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Similarity;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Issue #12: what keeps every instance's in-process exact index current without a scan — <c>change_xid</c> on
    /// <c>anomaly_events</c> (the writing transaction, indexed with the tenant), the deletion log and its pruning
    /// horizon, and the triggers that fill them in the writing transaction (<see cref="ExactIndexChangeSql"/>).
    /// Existing rows get the migrating transaction's id (no index holds them yet).
    /// </summary>
    public partial class ExactIndexChangeLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "change_xid",
                table: "anomaly_events",
                type: "bigint",
                nullable: false,
                defaultValueSql: "(pg_current_xact_id()::text::bigint)");

            migrationBuilder.CreateTable(
                name: "anomaly_change_horizon",
                columns: table => new
                {
                    id = table.Column<short>(type: "smallint", nullable: false),
                    pruned_through = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_anomaly_change_horizon", x => x.id);
                    table.CheckConstraint("ck_anomaly_change_horizon_id", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "anomaly_event_deletions",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    change_xid = table.Column<long>(type: "bigint", nullable: false),
                    anomaly_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    deleted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "clock_timestamp()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_anomaly_event_deletions", x => new { x.tenant_id, x.change_xid, x.anomaly_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_events_tenant_id_change_xid",
                table: "anomaly_events",
                columns: new[] { "tenant_id", "change_xid" });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_event_deletions_deleted_at",
                table: "anomaly_event_deletions",
                column: "deleted_at");

            migrationBuilder.Sql(ExactIndexChangeSql.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ExactIndexChangeSql.Drop);

            migrationBuilder.DropTable(
                name: "anomaly_change_horizon");

            migrationBuilder.DropTable(
                name: "anomaly_event_deletions");

            migrationBuilder.DropIndex(
                name: "ix_anomaly_events_tenant_id_change_xid",
                table: "anomaly_events");

            migrationBuilder.DropColumn(
                name: "change_xid",
                table: "anomaly_events");
        }
    }
}
