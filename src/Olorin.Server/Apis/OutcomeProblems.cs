using Microsoft.AspNetCore.Http.HttpResults;
using Olorin.Core.Errors;

namespace Olorin.Server.Apis;

/// <summary>
/// The one mapping of a refused <see cref="Outcome{T}"/> to its ProblemDetails: handlers keep only their
/// <c>Ok</c> projection and hand every other case here.
/// </summary>
internal static class OutcomeProblems
{
    /// <param name="resource">The resource as a title-case noun (e.g. <c>Investigation</c>).</param>
    /// <param name="id">The id the caller named.</param>
    /// <param name="submittedVersion">The version the caller sent, for a version conflict's detail.</param>
    public static ProblemHttpResult For<T>(Outcome<T> outcome, string resource, string id, int? submittedVersion = null) => outcome switch
    {
        Outcome<T>.NotFound => ApiProblems.NotFound(resource, id),
        Outcome<T>.Forbidden => ApiProblems.Forbidden($"Only the owner of {resource.ToLowerInvariant()} '{id}' may change or delete it."),
        Outcome<T>.VersionConflict(var current) => ApiProblems.Conflict(
            $"Version conflict: expected {current}, got {submittedVersion}",
            new Dictionary<string, object?> { ["current_version"] = current, ["submitted_version"] = submittedVersion }),
        Outcome<T>.Duplicate(var key) => ApiProblems.Duplicate(resource.ToLowerInvariant(), key, id),
        Outcome<T>.InvalidState(var reason) => ApiProblems.InvalidState(reason),
        _ => throw ApiProblems.Unexpected(outcome),
    };
}
