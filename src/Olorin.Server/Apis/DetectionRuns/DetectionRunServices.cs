using Olorin.Core.Tenancy;

namespace Olorin.Server.Apis.DetectionRuns;

/// <summary>What every detection-run handler needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class DetectionRunServices(
    IDetectionRunRepository runs, IDetectorRepository detectors, RequestIdentity identity, TimeProvider clock, HttpContext httpContext) : RequestServices(identity, clock, httpContext)
{
    public IDetectionRunRepository Runs { get; } = runs;
    public IDetectorRepository Detectors { get; } = detectors;
}
