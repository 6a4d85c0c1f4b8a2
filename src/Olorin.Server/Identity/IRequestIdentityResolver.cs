using Olorin.Core.Tenancy;

namespace Olorin.Server.Identity;

/// <summary>
/// Decides who a request is from: the authenticated principal (<see cref="ClaimsRequestIdentityResolver"/>), whichever
/// authentication mode produced it, so the APIs never know which mode is on.
/// </summary>
public interface IRequestIdentityResolver
{
    RequestIdentity Resolve(HttpContext context);
}
