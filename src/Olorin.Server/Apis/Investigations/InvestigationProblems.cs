namespace Olorin.Server.Apis.Investigations;

/// <summary>The ProblemDetails answers of the investigations API.</summary>
internal static class InvestigationProblems
{
    public static readonly ResourceNoun Resource = new("Investigation");

    public static ProblemHttpResult NotFound(string investigationId) => Resource.NotFound(investigationId);
}
