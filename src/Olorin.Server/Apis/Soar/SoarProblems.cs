using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Soar;

/// <summary>The ProblemDetails answers of the SOAR executions API.</summary>
internal static class SoarProblems
{
    public static ProblemHttpResult NotFound(string executionId)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
            detail: $"SOAR execution '{executionId}' was not found.");

    public static ProblemHttpResult Duplicate(string key, string value)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            detail: $"An execution with {key} '{value}' already exists.");

    /// <summary>The execution is no longer running, so it takes no more actions and cannot finish again.</summary>
    public static ProblemHttpResult NotRunning(string reason)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: reason);
}
