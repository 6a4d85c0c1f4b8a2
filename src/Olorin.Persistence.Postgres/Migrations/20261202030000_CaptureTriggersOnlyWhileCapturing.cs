using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Outbox;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Issue #8 review: the capture triggers of <c>ChangeCaptureOutbox</c> cost every write even with capture off (the
    /// transition table is filled and the function runs once per statement), so they now exist only while capture is
    /// on: <see cref="PostgresChangeOutbox.SetCaptureAsync"/> creates and drops them with the switch. This drops them
    /// where capture is off; a database capturing now (a server in <c>dual</c> or <c>mongo_primary</c>) keeps them.
    /// SQL only: the model does not change, so the snapshot does not either.
    /// </summary>
    [DbContext(typeof(OlorinDbContext))]
    [Migration("20261202030000_CaptureTriggersOnlyWhileCapturing")]
    public partial class CaptureTriggersOnlyWhileCapturing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
            => migrationBuilder.Sql($"""
                DO $do$
                BEGIN
                    IF NOT (SELECT enabled FROM change_capture WHERE id = 1) THEN
                        {string.Join("\n", ChangeCaptureSql.Tables.Select(ChangeCaptureSql.DropTriggers))}
                    END IF;
                END
                $do$;
                """);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in ChangeCaptureSql.Tables)
                migrationBuilder.Sql(ChangeCaptureSql.CreateTriggers(table));
        }
    }
}
