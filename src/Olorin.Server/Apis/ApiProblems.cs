using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis;

/// <summary>The ProblemDetails answers shared by the detector, detection-run and anomaly APIs.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult NotFound(string resource, string id)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
            detail: $"{resource} '{id}' was not found.");

    public static ProblemHttpResult Duplicate(string resource, string key, string value)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            detail: $"A {resource} with {key} '{value}' already exists.");

    public static ProblemHttpResult InvalidState(string reason)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: reason);

    public static InvalidOperationException Unexpected<T>(Core.Errors.Outcome<T> outcome)
        => new($"The repository answered {outcome.GetType().Name}, which this operation does not expect.");
}
