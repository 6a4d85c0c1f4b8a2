using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Composio;

/// <summary>The ProblemDetails answers of the Composio APIs.</summary>
internal static class ComposioProblems
{
    public static ProblemHttpResult ConnectionNotFound(string connectionId) => ApiProblems.NotFound("Composio connection", connectionId);

    public static ProblemHttpResult ActionAuditNotFound(string auditId) => ApiProblems.NotFound("Composio action audit", auditId);

    public static ProblemHttpResult Duplicate(string key, string value) => ApiProblems.Duplicate("record", key, value);
}
