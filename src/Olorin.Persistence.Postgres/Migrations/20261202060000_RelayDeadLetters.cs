using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Outbox;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Issue #8 (relay): <c>change_relay_failures</c>, the keys whose copy the secondary refused, with their attempt
    /// count and error; a row with <c>dead_lettered_at</c> is a dead letter (<see cref="ChangeCaptureSql.CreateFailures"/>).
    /// SQL only, outside the EF model like <c>change_outbox</c>: the snapshot does not change.
    /// </summary>
    [DbContext(typeof(OlorinDbContext))]
    [Migration("20261202060000_RelayDeadLetters")]
    public partial class RelayDeadLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(ChangeCaptureSql.CreateFailures);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP TABLE IF EXISTS change_relay_failures;");
    }
}
