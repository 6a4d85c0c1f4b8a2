using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Counting;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RowCounters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "row_counts",
                columns: table => new
                {
                    table_name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    dimension = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false, collation: "C"),
                    value = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    slot = table.Column<short>(type: "smallint", nullable: false),
                    n = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_row_counts", x => new { x.table_name, x.tenant_id, x.dimension, x.value, x.slot });
                });

            // Triggers first, then the backfill: CREATE TRIGGER locks out writers until this migration commits, so
            // no row is counted twice or missed.
            foreach (var (table, dimensions) in RowCountSql.Counted)
            {
                migrationBuilder.Sql(RowCountSql.Create(table, dimensions, RowCountSql.SlotsBefore64));
                migrationBuilder.Sql(RowCountSql.Backfill(table, dimensions));
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, _) in RowCountSql.Counted)
                migrationBuilder.Sql(RowCountSql.Drop(table));
            migrationBuilder.DropTable(
                name: "row_counts");
        }
    }
}
