using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Composio;

/// <summary>The ProblemDetails answers of the Composio APIs.</summary>
internal static class ComposioProblems
{
    public static ProblemHttpResult ConnectionNotFound(string connectionId)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
            detail: $"Composio connection '{connectionId}' was not found.");

    public static ProblemHttpResult ActionAuditNotFound(string auditId)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
            detail: $"Composio action audit '{auditId}' was not found.");

    public static ProblemHttpResult Duplicate(string key, string value)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            detail: $"A record with {key} '{value}' already exists.");
}
