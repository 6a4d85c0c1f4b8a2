namespace Olorin.Migration;

/// <summary>
/// A document's identity for the migration tools: its tenant and its business id (unique per tenant on both
/// backends). Transaction scores, keyed by investigation and transaction, use <c>investigation_id/transaction_id</c>.
/// </summary>
public readonly record struct DocumentKey(string TenantId, string Id)
{
    public override string ToString() => $"{TenantId}/{Id}";
}
