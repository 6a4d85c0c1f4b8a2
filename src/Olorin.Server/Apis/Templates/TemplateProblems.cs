using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Templates;

/// <summary>The ProblemDetails answers of the templates API.</summary>
internal static class TemplateProblems
{
    public static ProblemHttpResult NotFound(string templateId) => ApiProblems.NotFound("Template", templateId);

    public static ProblemHttpResult NotOwner(string templateId)
        => ApiProblems.Forbidden($"Only the owner of template '{templateId}' may change or delete it.");

    /// <param name="key">The taken unique key the repository named: <c>template_id</c> or <c>name</c>.</param>
    public static ProblemHttpResult Duplicate(string key, string value)
        => key == "name" ? ApiProblems.Conflict($"You already have a template named '{value}'.") : ApiProblems.Duplicate("template", key, value);
}
