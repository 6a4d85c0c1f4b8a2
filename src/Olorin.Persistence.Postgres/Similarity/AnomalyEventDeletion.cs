namespace Olorin.Persistence.Postgres.Similarity;

/// <summary>
/// An anomaly deleted (or moved to another key), written by the delete trigger of <see cref="ExactIndexChangeSql"/>
/// in the deleting transaction: what tells an <see cref="ExactVectorIndex"/> of another server instance to drop it.
/// Pruned after <see cref="ExactIndexChangeSql.Retention"/>; <see cref="AnomalyChangeHorizon"/> records how far.
/// </summary>
internal sealed class AnomalyEventDeletion
{
    public string TenantId { get; set; } = "";

    /// <summary>The deleting transaction's id (<c>pg_current_xact_id()</c>, 64-bit, never wraps).</summary>
    public long ChangeXid { get; set; }

    public string AnomalyId { get; set; } = "";
    public DateTime DeletedAt { get; set; }
}

/// <summary>
/// The one row (<see cref="Id"/> 1) saying up to which transaction id deletions may be missing from
/// <see cref="AnomalyEventDeletion"/> (pruned, or the table truncated): an index whose changes are known only from
/// before that reloads its tenant.
/// </summary>
internal sealed class AnomalyChangeHorizon
{
    public short Id { get; set; }
    public long PrunedThrough { get; set; }
}
