namespace Olorin.Server.Apis.Composio;

/// <summary>The ProblemDetails answers of the Composio APIs (a taken id is "A record with … already exists." for both).</summary>
internal static class ComposioProblems
{
    public static readonly ResourceNoun Connection = new("Composio connection", "record");
    public static readonly ResourceNoun ActionAudit = new("Composio action audit", "record");

    public static ProblemHttpResult ConnectionNotFound(string connectionId) => Connection.NotFound(connectionId);

    public static ProblemHttpResult ActionAuditNotFound(string auditId) => ActionAudit.NotFound(auditId);
}
