namespace Olorin.Persistence.Postgres.Counting;

/// <summary>
/// How many rows of <see cref="TableName"/> a tenant has (<see cref="Dimension"/> empty), or have
/// <see cref="Dimension"/> = <see cref="Value"/>. Kept by statement-level triggers (<see cref="RowCountSql"/>) in the
/// same transaction as every INSERT, UPDATE and DELETE of that table, so a list's total is one primary-key range read
/// of at most <see cref="RowCountSql.Slots"/> rows, whatever the table's size.
/// </summary>
internal sealed class RowCount
{
    public string TableName { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Dimension { get; set; } = "";
    public string Value { get; set; } = "";

    /// <summary>
    /// Which of <see cref="RowCountSql.Slots"/> partial counters this row is (chosen by the writing connection): the
    /// count is their sum, and concurrent writers of one tenant mostly update different rows instead of queueing on one.
    /// </summary>
    public short Slot { get; set; }
    public long N { get; set; }
}
