using Microsoft.AspNetCore.WebUtilities;

namespace Olorin.Server.Errors;

/// <summary>
/// The fallback writer, registered after the built-in one: that one declines when <c>Accept</c> names only types
/// such as <c>text/html</c>, and the status-code pages would then answer in plain text. This one always writes
/// <c>application/problem+json</c>, so every non-2xx answer has the one agreed shape whatever the client accepts.
/// </summary>
public sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), OlorinJson.Options, "application/problem+json", http.RequestAborted));
    }
}
