using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Counting;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Issue #12, POST P99: three causes of stalled writes under 32 concurrent POSTs (docs/performance.md, "Session 8:
    /// POST P99"). The full-text GIN index without its pending list (<c>fastupdate = off</c>): ALTER INDEX rather than
    /// EF's drop and re-create, which would rebuild the index over every investigation while holding off writes; the
    /// pending entries already there are merged once, here, instead of by some later POST. <c>row_counts</c> without
    /// VACUUM's truncation, whose ACCESS EXCLUSIVE lock every counted write queues behind. The counter triggers of
    /// every counted table over <see cref="RowCountSql.Slots"/> slots instead of 16 (CREATE OR REPLACE under the
    /// existing triggers; the rows already in slots 0-15 keep counting, a read sums every slot).
    /// </summary>
    public partial class WriteStallsUnderLoad : Migration
    {
        private const string SearchIndex = "ix_investigation_states_search_vector";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The pending entries merged first, under gin_clean_pending_list's RowExclusiveLock (writes go on); PERFORM in
            // a DO block so that EF's idempotent script (itself inside DO blocks) can hold it.
            migrationBuilder.Sql($"DO $$BEGIN PERFORM gin_clean_pending_list('{SearchIndex}'); END$$;");

            migrationBuilder.AlterTable(
                name: "row_counts")
                .Annotation("Npgsql:StorageParameter:vacuum_truncate", false);

            foreach (var (table, dimensions) in RowCountSql.Counted.Concat(RowCountSql.CountedSinceEveryList))
                migrationBuilder.Sql(RowCountSql.Function(table, dimensions, RowCountSql.Slots));

            // Last: ALTER INDEX takes an ACCESS EXCLUSIVE lock on the index, held until this transaction commits, and
            // every query of investigation_states (reads too: the planner locks each index) waits for it. The entries
            // a write added since the first merge are merged under it (a handful).
            migrationBuilder.Sql($"ALTER INDEX {SearchIndex} SET (fastupdate = false);");
            migrationBuilder.Sql($"DO $$BEGIN PERFORM gin_clean_pending_list('{SearchIndex}'); END$$;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, dimensions) in RowCountSql.Counted.Concat(RowCountSql.CountedSinceEveryList))
                migrationBuilder.Sql(RowCountSql.Function(table, dimensions, RowCountSql.SlotsBefore64));

            migrationBuilder.Sql($"ALTER INDEX {SearchIndex} RESET (fastupdate);");

            migrationBuilder.AlterTable(
                name: "row_counts")
                .OldAnnotation("Npgsql:StorageParameter:vacuum_truncate", false);
        }
    }
}
