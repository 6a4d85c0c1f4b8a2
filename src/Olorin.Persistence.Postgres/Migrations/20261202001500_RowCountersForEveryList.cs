using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Olorin.Persistence.Postgres.Counting;

#nullable disable

namespace Olorin.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Issue #12, "counting that does not scan" for every paged list: the row_counts triggers of the RowCounters
    /// migration (the same generated SQL, <see cref="RowCountSql"/>) on the remaining listed tables, then their
    /// backfill. SQL only: the model does not change, so the snapshot does not either.
    /// </summary>
    [DbContext(typeof(OlorinDbContext))]
    [Migration("20261202001500_RowCountersForEveryList")]
    public partial class RowCountersForEveryList : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Triggers first, then the backfill, in the migration's transaction: no row counted twice or missed.
            foreach (var (table, dimensions) in RowCountSql.CountedSinceEveryList)
            {
                migrationBuilder.Sql(RowCountSql.Create(table, dimensions, RowCountSql.SlotsBefore64));
                migrationBuilder.Sql(RowCountSql.Backfill(table, dimensions));
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, _) in RowCountSql.CountedSinceEveryList)
            {
                migrationBuilder.Sql(RowCountSql.Drop(table));
                migrationBuilder.Sql($"DELETE FROM row_counts WHERE table_name = '{table}';");
            }
        }
    }
}
