using Microsoft.EntityFrameworkCore.Migrations;
using Pgvector;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InvestigationEmbeddings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Vector>(
                name: "embedding",
                table: "investigation_states",
                type: "vector(384)",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_investigation_states_embedding",
                table: "investigation_states",
                column: "embedding")
                .Annotation("Npgsql:IndexMethod", "hnsw")
                .Annotation("Npgsql:IndexOperators", new[] { "vector_cosine_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_investigation_states_embedding",
                table: "investigation_states");

            migrationBuilder.DropColumn(
                name: "embedding",
                table: "investigation_states");
        }
    }
}
