using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Investigations;

/// <summary>The ProblemDetails answers of the investigations API.</summary>
internal static class InvestigationProblems
{
    public static ProblemHttpResult NotFound(string investigationId) => ApiProblems.NotFound("Investigation", investigationId);

}
