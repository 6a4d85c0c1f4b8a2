namespace Olorin.Authentication;

/// <summary>
/// The claims of the principal every authentication mode produces, whatever the token called them
/// (<c>JWT_USER_CLAIM</c>, <c>JWT_TENANT_CLAIM</c>): the APIs read only these.
/// </summary>
public static class OlorinClaimTypes
{
    public const string Tenant = "tenant_id";
    public const string User = "sub";

    /// <summary>One claim per granted scope.</summary>
    public const string Scope = "scope";

    /// <summary>The token claim that lists scopes as a JSON array (the existing olorin server's tokens).</summary>
    public const string ScopeArray = "scopes";
}
