using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WindowUnknownMembers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "window_unknown_members",
                table: "detection_runs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "window_unknown_members",
                table: "anomaly_events",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "window_unknown_members",
                table: "detection_runs");

            migrationBuilder.DropColumn(
                name: "window_unknown_members",
                table: "anomaly_events");
        }
    }
}
