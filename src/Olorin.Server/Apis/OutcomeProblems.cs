namespace Olorin.Server.Apis;

/// <summary>
/// The one mapping of a refused <see cref="Outcome{T}"/> to its ProblemDetails: handlers keep only their
/// <c>Ok</c> projection and hand every other case here.
/// </summary>
internal static class OutcomeProblems
{
    /// <param name="resource">How the resource is named (its <c>…Problems.Resource</c>).</param>
    /// <param name="id">The id the caller named (or chose, on a create).</param>
    /// <param name="submittedVersion">The version the caller sent, for a version conflict's detail.</param>
    /// <param name="duplicate">A resource's own wording of a taken unique key other than its id (templates: the name).</param>
    public static ProblemHttpResult For<T>(
        Outcome<T> outcome, ResourceNoun resource, string id, int? submittedVersion = null, Func<string, ProblemHttpResult>? duplicate = null)
        => outcome switch
        {
            Outcome<T>.NotFound => ApiProblems.NotFound(resource.Title, id),
            Outcome<T>.Forbidden => ApiProblems.Forbidden($"Only the owner of {resource.Noun} '{id}' may change or delete it."),
            Outcome<T>.VersionConflict(var current) => ApiProblems.Conflict(
                $"Version conflict: expected {current}, got {submittedVersion}",
                new Dictionary<string, object?> { ["current_version"] = current, ["submitted_version"] = submittedVersion }),
            Outcome<T>.Duplicate(var key) => duplicate?.Invoke(key) ?? ApiProblems.Duplicate(resource.Noun, key, id),
            Outcome<T>.InvalidState(var reason) => ApiProblems.InvalidState(reason),
            _ => throw ApiProblems.Unexpected(outcome),
        };
}
