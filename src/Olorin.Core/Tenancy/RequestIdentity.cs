namespace Olorin.Core.Tenancy;

/// <summary>Who is calling, resolved once per request: the tenant every query is scoped to, and the user.</summary>
public sealed record RequestIdentity(string TenantId, string UserId)
{
    /// <summary>The system user that may change any investigation of its tenant (Decision 8).</summary>
    public const string SystemUserId = "auto-comparison-system";

    public const string AnonymousUserId = "anonymous";

    public bool MayModify(string ownerUserId) => UserId == ownerUserId || UserId == SystemUserId;
}
