using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Olorin.Core.Embeddings;
using Olorin.Core.Errors;

namespace Olorin.Server.Errors;

/// <summary>
/// Turns every exception into a ProblemDetails answer: a bad request (unreadable JSON, unknown enum value, bad
/// header or query value) is 400 saying what was wrong; an unreachable database is 503 with <c>Retry-After</c>, and
/// so is a search by text while the embedding model loads (503 without it when embedding failed or is off);
/// anything else is 500 without internals.
/// </summary>
public sealed class ProblemExceptionHandler(
    IProblemDetailsService problemDetails,
    IEnumerable<IPersistenceFailureClassifier> classifiers,
    ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
            return true; // the client went away; there is nobody to answer

        var problem = Classify(exception);
        if (exception is EmbedderUnavailableException unavailable)
        {
            // Not the database: the embedding model is loading (retry soon), failed or is switched off.
            if (unavailable.State == EmbedderState.Loading) context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Database unavailable while handling {Method} {Path}: {Message}", context.Request.Method, context.Request.Path, exception.GetBaseException().Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        }
        else if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled exception while handling {Method} {Path}", context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private ProblemDetails Classify(Exception exception)
    {
        if (BadRequestDetail(exception) is { } detail)
        {
            // 400 mostly; BadHttpRequestException also carries 413 (body too large) and 415 (not JSON).
            var status = exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            return new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail };
        }
        if (exception is EmbedderUnavailableException embedder)
            return new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service Unavailable", Detail = embedder.Message };
        if (classifiers.FirstOrDefault(c => c.IsUnavailable(exception)) is { } classifier)
            return new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = $"The {classifier.Backend} database cannot be reached right now; retry later.",
            };
        return new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Internal Server Error",
            Detail = "An unexpected error occurred.",
        };
    }

    /// <summary>What was wrong with the request, or null when the exception is not the client's fault.</summary>
    private static string? BadRequestDetail(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } bad => $"{bad.Message} {JsonDetail(json)}",
        BadHttpRequestException bad => bad.Message,
        JsonException json => JsonDetail(json),
        _ => null,
    };

    private static string JsonDetail(JsonException json)
    {
        // System.Text.Json wraps converter errors; the innermost message names the bad value, the path says where.
        var message = json.InnerException is JsonException inner ? inner.Message : json.Message;
        return json.Path is { Length: > 0 } path && !message.Contains(path, StringComparison.Ordinal)
            ? $"{message} Path: {path}."
            : message;
    }
}
