using Serilog.Core;
using Serilog.Events;

namespace Olorin.Server.Logging;

/// <summary>
/// Adds <c>Source: "MongoDB"</c> to every event about MongoDB (logged by the MongoDB adapter, the server's MongoDB
/// selection, bootstrap and status code, or the driver, or carrying a driver exception), so that the runbook's
/// <c>tail -f logs/backend.log | grep MongoDB</c> finds them whatever their message says.
/// </summary>
public sealed class MongoDbSourceEnricher : ILogEventEnricher
{
    public const string PropertyName = "Source";
    public const string MongoDb = "MongoDB";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (IsAboutMongoDb(logEvent)) logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(PropertyName, MongoDb));
    }

    private static bool IsAboutMongoDb(LogEvent logEvent)
    {
        if (logEvent.Properties.TryGetValue("SourceContext", out var context) && context is ScalarValue { Value: string source }
            && (source.StartsWith("MongoDB", StringComparison.Ordinal) || source.Contains(".Mongo", StringComparison.Ordinal)))
            return true;
        for (var exception = logEvent.Exception; exception is not null; exception = exception.InnerException)
        {
            if (exception.GetType().Namespace?.StartsWith("MongoDB", StringComparison.Ordinal) == true) return true;
        }
        return false;
    }
}
