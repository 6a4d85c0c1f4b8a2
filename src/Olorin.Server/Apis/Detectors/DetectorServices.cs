using Olorin.Core.Tenancy;

namespace Olorin.Server.Apis.Detectors;

/// <summary>What every detector handler needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class DetectorServices(IDetectorRepository detectors, RequestIdentity identity, TimeProvider clock, HttpContext httpContext) : RequestServices(identity, clock, httpContext)
{
    public IDetectorRepository Detectors { get; } = detectors;
}
