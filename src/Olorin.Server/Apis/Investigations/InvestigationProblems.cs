using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Investigations;

/// <summary>The ProblemDetails answers of the investigations API.</summary>
internal static class InvestigationProblems
{
    public static ProblemHttpResult NotFound(string investigationId)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
            detail: $"Investigation '{investigationId}' was not found.");

    public static ProblemHttpResult NotOwner(string investigationId)
        => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: $"Only the owner of investigation '{investigationId}' may change or delete it.");

    public static ProblemHttpResult VersionConflict(int currentVersion, int submittedVersion)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            detail: $"Version conflict: expected {currentVersion}, got {submittedVersion}",
            extensions: new Dictionary<string, object?> { ["current_version"] = currentVersion, ["submitted_version"] = submittedVersion });

    public static ProblemHttpResult Duplicate(string key, string value)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            detail: $"An investigation with {key} '{value}' already exists.");

    public static ProblemHttpResult InvalidState(string reason)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: reason);
}
