namespace Olorin.Server.Apis.Soar;

/// <summary>The ProblemDetails answers of the SOAR executions API.</summary>
internal static class SoarProblems
{
    public static readonly ResourceNoun Resource = new("SOAR execution", "execution");

    public static ProblemHttpResult NotFound(string executionId) => Resource.NotFound(executionId);
}
