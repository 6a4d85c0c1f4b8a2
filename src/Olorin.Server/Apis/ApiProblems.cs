namespace Olorin.Server.Apis;

/// <summary>The ProblemDetails answers every API shares; the per-resource ones word theirs through these.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult NotFound(string resource, string id)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
            detail: $"{resource} '{id}' was not found.");

    public static ProblemHttpResult Duplicate(string resource, string key, string value)
        => Conflict($"{Article(resource)} {resource} with {key} '{value}' already exists.");

    /// <summary>A 409 whose detail says why: a state that forbids the change, or a taken key.</summary>
    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null)
        => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail, extensions: extensions);

    public static ProblemHttpResult InvalidState(string reason) => Conflict(reason);

    public static ProblemHttpResult Forbidden(string detail)
        => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static InvalidOperationException Unexpected<T>(Core.Errors.Outcome<T> outcome)
        => new($"The {typeof(T).Name} repository answered {outcome.GetType().Name}, which this operation does not expect.");

    private static string Article(string noun) => "aeiouAEIOU".Contains(noun[0]) ? "An" : "A";
}
