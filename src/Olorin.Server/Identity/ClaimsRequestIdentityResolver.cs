using System.Security.Claims;
using Olorin.Authentication;
using Olorin.Core.Tenancy;

namespace Olorin.Server.Identity;

/// <summary>The tenant and user of the principal the authentication handler produced (<see cref="OlorinPrincipalFactory"/>).</summary>
public sealed class ClaimsRequestIdentityResolver : IRequestIdentityResolver
{
    public RequestIdentity Resolve(HttpContext context)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated != true
            || principal.FindFirstValue(OlorinClaimTypes.Tenant) is not { } tenant
            || principal.FindFirstValue(OlorinClaimTypes.User) is not { } user)
            throw new InvalidOperationException(
                $"{context.Request.Path} asked who the caller is but the request is not authenticated: an endpoint that reads the identity must require authorization.");
        return new RequestIdentity(tenant, user);
    }
}
