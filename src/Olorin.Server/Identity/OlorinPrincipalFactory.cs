using System.Security.Claims;
using Olorin.Authentication;
using Olorin.Server.Configuration;

namespace Olorin.Server.Identity;

/// <summary>
/// The one shape of an authenticated caller, whichever handler authenticated it: tenant, user and granted scopes
/// as <see cref="OlorinClaimTypes"/>. No tenant falls back to <c>DEFAULT_TENANT_ID</c>; with tenant isolation off
/// every caller is in the default tenant.
/// </summary>
public sealed class OlorinPrincipalFactory(IOptions<TenancyOptions> tenancy)
{
    public ClaimsPrincipal Create(string? tenant, string user, IEnumerable<string> scopes, string authenticationType)
    {
        var options = tenancy.Value;
        var identity = new ClaimsIdentity(authenticationType, OlorinClaimTypes.User, roleType: null);
        identity.AddClaim(new Claim(OlorinClaimTypes.Tenant, options.EnableTenantIsolation ? tenant ?? options.DefaultTenantId : options.DefaultTenantId));
        identity.AddClaim(new Claim(OlorinClaimTypes.User, user));
        foreach (var scope in scopes.Distinct(StringComparer.Ordinal))
            identity.AddClaim(new Claim(OlorinClaimTypes.Scope, scope));
        return new ClaimsPrincipal(identity);
    }
}
