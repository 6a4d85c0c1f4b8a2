namespace Olorin.Core.Ports;

/// <summary>
/// The business key of a document: ids are unique per tenant (DATA-MODEL Decision 4, revised), so a document is named
/// by its tenant and its id together. Ordered ordinally, tenant first, as every backend orders the export.
/// </summary>
public readonly record struct TenantKey(string TenantId, string Id) : IComparable<TenantKey>
{
    public int CompareTo(TenantKey other)
    {
        var byTenant = string.CompareOrdinal(TenantId, other.TenantId);
        return byTenant != 0 ? byTenant : string.CompareOrdinal(Id, other.Id);
    }

    public override string ToString() => $"{TenantId}/{Id}";
}
