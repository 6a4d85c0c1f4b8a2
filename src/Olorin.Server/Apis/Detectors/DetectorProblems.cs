namespace Olorin.Server.Apis.Detectors;

/// <summary>The ProblemDetails answers of the detectors API.</summary>
internal static class DetectorProblems
{
    public static readonly ResourceNoun Resource = new("Detector");

    public static ProblemHttpResult NotFound(string detectorId) => Resource.NotFound(detectorId);
}
