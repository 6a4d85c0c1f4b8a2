using Microsoft.AspNetCore.Http.HttpResults;

namespace Olorin.Server.Apis.Investigations;

/// <summary>The ProblemDetails answers of the investigations API.</summary>
internal static class InvestigationProblems
{
    public static ProblemHttpResult NotFound(string investigationId) => ApiProblems.NotFound("Investigation", investigationId);

    public static ProblemHttpResult NotOwner(string investigationId)
        => ApiProblems.Forbidden($"Only the owner of investigation '{investigationId}' may change or delete it.");

    public static ProblemHttpResult VersionConflict(int currentVersion, int submittedVersion)
        => ApiProblems.Conflict($"Version conflict: expected {currentVersion}, got {submittedVersion}",
            new Dictionary<string, object?> { ["current_version"] = currentVersion, ["submitted_version"] = submittedVersion });

    public static ProblemHttpResult Duplicate(string key, string value) => ApiProblems.Duplicate("investigation", key, value);

    public static ProblemHttpResult InvalidState(string reason) => ApiProblems.InvalidState(reason);
}
