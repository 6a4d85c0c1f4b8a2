using Olorin.Core.Tenancy;

namespace Olorin.Server.Identity;

/// <summary>
/// Decides who a request is from. Header-based today; token authentication will plug in here.
/// Throws <see cref="BadHttpRequestException"/> when the request names an unusable identity.
/// </summary>
public interface IRequestIdentityResolver
{
    RequestIdentity Resolve(HttpContext context);
}
