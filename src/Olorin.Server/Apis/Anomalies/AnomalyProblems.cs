namespace Olorin.Server.Apis.Anomalies;

/// <summary>The ProblemDetails answers of the anomalies API.</summary>
internal static class AnomalyProblems
{
    public static readonly ResourceNoun Resource = new("Anomaly");

    public static ProblemHttpResult NotFound(string anomalyId) => Resource.NotFound(anomalyId);
}
