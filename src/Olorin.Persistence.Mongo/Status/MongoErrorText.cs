using MongoDB.Driver;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Status;

/// <summary>A one-line, password-free description of a driver failure, for logs, /status and health.</summary>
public static class MongoErrorText
{
    public static string Describe(Exception exception, string? uri)
    {
        var text = exception switch
        {
            TimeoutException => $"no server reachable within the server-selection timeout ({FirstLine(exception.Message)})",
            MongoCommandException command => $"{command.CodeName} ({command.Code}): {command.ErrorMessage}",
            _ => $"{exception.GetType().Name}: {FirstLine(exception.Message)}",
        };
        if (exception is not TimeoutException && exception.InnerException is { } inner)
            text += $" ← {inner.GetType().Name}: {FirstLine(inner.Message)}";
        return MongoUriRedactor.RedactText(text, uri);
    }

    private const int MaxLength = 600;

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= MaxLength ? line : line[..MaxLength] + "…";
    }
}
