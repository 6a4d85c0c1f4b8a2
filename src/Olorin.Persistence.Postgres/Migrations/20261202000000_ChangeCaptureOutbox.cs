using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Outbox;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// The migration phases' change capture (<see cref="ChangeCaptureSql"/>): <c>change_outbox</c>, the
    /// <c>change_capture</c> switch (off), the <c>write_back_marker</c> and the capture triggers on the ten tables.
    /// Outside the EF model (read and written with plain SQL), so the model snapshot does not change.
    /// </summary>
    public partial class ChangeCaptureOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeCaptureSql.CreateTables);
            foreach (var table in ChangeCaptureSql.Tables)
                migrationBuilder.Sql(ChangeCaptureSql.Create(table));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in ChangeCaptureSql.Tables)
                migrationBuilder.Sql(ChangeCaptureSql.Drop(table));
            migrationBuilder.Sql(ChangeCaptureSql.DropTables);
        }
    }
}
