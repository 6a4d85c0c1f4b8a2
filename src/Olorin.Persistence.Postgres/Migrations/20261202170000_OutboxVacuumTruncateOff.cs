using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Issue #8, dual-write P99: <c>change_outbox</c> without VACUUM's truncation, as <c>row_counts</c> since
    /// <c>WriteStallsUnderLoad</c>. The outbox is a queue (every captured write inserts, every relay batch deletes), so
    /// its tail pages empty and refill within seconds; autovacuum cutting them off takes an ACCESS EXCLUSIVE lock that
    /// every captured write (each write of the API in <c>dual</c>) queues behind (seen twice in 150 s of the phases
    /// benchmark's load; docs/performance.md, "Session 8: dual writes";
    /// https://www.postgresql.org/docs/15/sql-createtable.html#SQL-CREATETABLE-STORAGE-PARAMETERS, vacuum_truncate).
    /// SQL only, outside the EF model like the table itself: the snapshot does not change.
    /// </summary>
    [DbContext(typeof(OlorinDbContext))]
    [Migration("20261202170000_OutboxVacuumTruncateOff")]
    public partial class OutboxVacuumTruncateOff : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
            => migrationBuilder.Sql("ALTER TABLE change_outbox SET (vacuum_truncate = false);");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
            => migrationBuilder.Sql("ALTER TABLE change_outbox RESET (vacuum_truncate);");
    }
}
