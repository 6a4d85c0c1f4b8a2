using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Status;

/// <summary>A one-line, password-free description of a driver failure, for logs, /status and health.</summary>
public static class MongoErrorText
{
    /// <param name="client">When given, a server-selection timeout is explained by the servers' last heartbeat
    /// failure (connection refused, DNS, TLS, authentication) instead of the driver's cluster dump.</param>
    public static string Describe(Exception exception, string? uri, IMongoClient? client = null)
    {
        var text = exception switch
        {
            TimeoutException when HeartbeatFailure(client) is { } cause => $"no server reachable within the server-selection timeout: {cause}",
            TimeoutException => $"no server reachable within the server-selection timeout ({FirstLine(exception.Message)})",
            MongoCommandException command => $"{command.CodeName} ({command.Code}): {command.ErrorMessage}",
            _ => $"{exception.GetType().Name}: {FirstLine(exception.Message)}",
        };
        if (exception is not TimeoutException && exception.InnerException is { } inner)
            text += $" ← {inner.GetType().Name}: {FirstLine(inner.Message)}";
        return MongoUriRedactor.RedactText(text, uri);
    }

    private const int MaxLength = 600;

    private static string? HeartbeatFailure(IMongoClient? client)
    {
        var failures = client?.Cluster.Description.Servers
            .Where(s => s.HeartbeatException is not null)
            .Select(s => $"{EndPointText(s.EndPoint)}: {Innermost(s.HeartbeatException!)}")
            .Distinct()
            .ToList();
        return failures is { Count: > 0 } ? string.Join("; ", failures) : null;
    }

    private static string Innermost(Exception exception)
    {
        while (exception.InnerException is not null) exception = exception.InnerException;
        return FirstLine(exception.Message);
    }

    private static string EndPointText(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= MaxLength ? line : line[..MaxLength] + "…";
    }
}
