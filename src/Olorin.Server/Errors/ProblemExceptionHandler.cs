using Microsoft.AspNetCore.Mvc;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Olorin.Core.Embeddings;

namespace Olorin.Server.Errors;

/// <summary>
/// Turns every exception into a ProblemDetails answer: a bad request (unreadable JSON, unknown enum value, bad
/// header or query value) is 400 saying what was wrong, in the client's field names; an unreachable database is 503
/// with <c>Retry-After</c>, and so is a search by text while the embedding model loads (503 without it when embedding
/// failed or is off); anything else — a response we cannot serialize included — is 500 without internals.
/// </summary>
public sealed partial class ProblemExceptionHandler(
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

    /// <summary>
    /// What was wrong with the request, or null when the exception is not the client's fault. Only an exception that
    /// reading the request raised (a <see cref="BadHttpRequestException"/>) is the client's: a bare
    /// <see cref="JsonException"/> comes from writing our own response, which is a server error (500). The detail
    /// names the client's field (snake_case JSON path, or the query parameter), never a .NET type or parameter.
    /// </summary>
    private static string? BadRequestDetail(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => JsonDetail(json),
        BadHttpRequestException bad => ClientWords(bad.Message),
        _ => null,
    };

    private static string JsonDetail(JsonException json)
    {
        var field = Field(json.Path);
        // Our own converters (wire enums) word their errors for clients; System.Text.Json's own messages name .NET types.
        var message = json.InnerException is JsonException inner ? inner.Message : json.Message;
        if (NamesDotNet(message))
            message = field is null ? "The request body does not have the expected shape." : "Has the wrong type or an invalid value.";
        return field is null ? message : $"{field}: {message}";
    }

    /// <summary><c>$.settings.entities[0].entity_type</c> → <c>settings.entities[0].entity_type</c>; null for the whole body.</summary>
    private static string? Field(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$") return null;
        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    private static bool NamesDotNet(string message)
        => message.Contains("System.", StringComparison.Ordinal) || message.Contains("Olorin.", StringComparison.Ordinal)
           || message.Contains('`') || message.Contains("LineNumber", StringComparison.Ordinal);

    /// <summary>
    /// The framework's binding messages name the handler's parameter (<c>Failed to bind parameter "int? page" from
    /// "x".</c>); rewritten to name the query parameter in its snake_case spelling.
    /// </summary>
    private static string ClientWords(string message)
    {
        var binding = BindingFailure().Match(message);
        if (binding.Success)
            return $"{JsonNamingPolicy.SnakeCaseLower.ConvertName(binding.Groups["name"].Value)}: \"{binding.Groups["value"].Value}\" is not a valid value.";
        if (RequiredBody().IsMatch(message)) return "A JSON request body is required.";
        if (ReadBody().IsMatch(message)) return "The request body could not be read as JSON.";
        return NamesDotNet(message) || message.Contains("parameter \"", StringComparison.Ordinal) ? "The request could not be read." : message;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"[^\"]*? (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from \"(?<value>.*)\"\\.?$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \".*\" was not provided from body", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex RequiredBody();

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to read parameter \".*\" from the request body", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex ReadBody();
}
