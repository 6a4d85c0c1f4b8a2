using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Issue #12 (GET by id): fillfactor 80 on <c>investigation_states</c>, so the last_accessed flush's updates are HOT
    /// (docs/performance.md, "Session 7: GET by id"). ALTER TABLE … SET only changes how pages are filled from now on
    /// and takes a SHARE UPDATE EXCLUSIVE lock for an instant; rows already on full pages move to roomier pages with
    /// their next update. Rewriting the table here would hold an ACCESS EXCLUSIVE lock while every index (HNSW of the
    /// embeddings included) is rebuilt, so that is left to the operator (docs/operations.md, "Fillfactor of
    /// investigation_states").
    /// </summary>
    public partial class InvestigationStatesFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "investigation_states")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "investigation_states")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);
        }
    }
}
