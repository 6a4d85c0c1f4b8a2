namespace Olorin.Core.Phases;

/// <summary>
/// A captured change: which document changed, as the migration tools name it (<see cref="Collection"/> is a MongoDB
/// collection name, <see cref="Id"/> the business id within the tenant; transaction scores use
/// <c>investigation_id/transaction_id</c>). Not the content: the relay always copies the primary's current state.
/// </summary>
public readonly record struct ChangeKey(string Collection, string TenantId, string Id)
{
    public override string ToString() => $"{Collection}/{TenantId}/{Id}";
}
