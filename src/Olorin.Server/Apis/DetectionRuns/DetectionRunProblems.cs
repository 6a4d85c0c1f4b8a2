namespace Olorin.Server.Apis.DetectionRuns;

/// <summary>The ProblemDetails answers of the detection-runs API.</summary>
internal static class DetectionRunProblems
{
    public static readonly ResourceNoun Resource = new("Detection run");

    public static ProblemHttpResult NotFound(string runId) => Resource.NotFound(runId);
}
