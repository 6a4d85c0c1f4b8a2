using Olorin.Core.Tenancy;

namespace Olorin.Server.Apis;

/// <summary>
/// What every handler of every resource needs, written once: who calls (tenant and user), the clock, and the request.
/// Each resource's <c>…Services</c> adds its repositories and is bound with <c>[AsParameters]</c> (constructor
/// parameters match the public properties, inherited ones included).
/// </summary>
public abstract class RequestServices(RequestIdentity identity, TimeProvider clock, HttpContext httpContext)
{
    public RequestIdentity Identity { get; } = identity;
    public TimeProvider Clock { get; } = clock;
    public HttpContext HttpContext { get; } = httpContext;
}
