using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Templates;

/// <summary>The ProblemDetails answers of the templates API.</summary>
internal static class TemplateProblems
{
    public static ProblemHttpResult NotFound(string templateId)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
            detail: $"Template '{templateId}' was not found.");

    public static ProblemHttpResult NotOwner(string templateId)
        => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: $"Only the owner of template '{templateId}' may change or delete it.");

    /// <param name="key">The taken unique key the repository named: <c>template_id</c> or <c>name</c>.</param>
    public static ProblemHttpResult Duplicate(string key, string value)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            detail: key == "name"
                ? $"You already have a template named '{value}'."
                : $"A template with {key} '{value}' already exists.");
}
