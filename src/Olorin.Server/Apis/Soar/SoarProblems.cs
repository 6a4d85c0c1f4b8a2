using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Soar;

/// <summary>The ProblemDetails answers of the SOAR executions API.</summary>
internal static class SoarProblems
{
    public static ProblemHttpResult NotFound(string executionId) => ApiProblems.NotFound("SOAR execution", executionId);

    public static ProblemHttpResult Duplicate(string key, string value) => ApiProblems.Duplicate("execution", key, value);

    /// <summary>The execution is no longer running, so it takes no more actions and cannot finish again.</summary>
    public static ProblemHttpResult NotRunning(string reason) => ApiProblems.InvalidState(reason);
}
