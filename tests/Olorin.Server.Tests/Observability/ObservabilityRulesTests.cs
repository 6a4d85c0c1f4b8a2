using MongoDB.Driver;
using Olorin.Core.Observability;
using Olorin.Core.Ports;
using Olorin.Server.Logging;
using Olorin.Server.Observability;
using Serilog.Events;
using Serilog.Parsing;

namespace Olorin.Server.Tests.Observability;

public sealed class ObservabilityRulesTests
{
    [Theory]
    [InlineData(200, "2xx")]
    [InlineData(304, "3xx")]
    [InlineData(404, "4xx")]
    [InlineData(503, "5xx")]
    [InlineData(999, "other")]
    public void Status_classes(int status, string expected) => Assert.Equal(expected, HttpInstruments.StatusClass(status));

    [Theory]
    [InlineData(typeof(IInvestigationRepository), "investigation")]
    [InlineData(typeof(ISoarPlaybookExecutionRepository), "soar_playbook_execution")]
    [InlineData(typeof(IComposioActionAuditRepository), "composio_action_audit")]
    public void Repository_label_is_the_port_in_snake_case(Type port, string expected)
        => Assert.Equal(expected, InstrumentedRepository.RepositoryName(port));

    [Theory]
    [InlineData("/health/ready", true)]
    [InlineData("/status/mongodb", true)]
    [InlineData("/metrics", true)]
    [InlineData("/investigations/", false)]
    [InlineData("/api/v1/investigation-state/{investigationId}", false)]
    public void Probe_and_scrape_routes_are_not_traffic(string route, bool operational)
        => Assert.Equal(operational, RollbackMonitor.IsOperationalRoute(route));

    [Fact]
    public void Pool_usage_is_in_use_over_max()
    {
        Assert.Equal(80, new ConnectionPoolState(80, 90, 100).UsagePercent);
        Assert.Equal(0, new ConnectionPoolState(3, 3, 0).UsagePercent);
    }

    [Theory]
    [InlineData("Olorin.Persistence.Mongo.Bootstrap.MongoStartup", true)]
    [InlineData("Olorin.Server.Persistence.MongoSelection", true)]
    [InlineData("MongoDB.Command", true)]
    [InlineData("Olorin.Server.Errors.ProblemExceptionHandler", false)]
    [InlineData("Serilog.AspNetCore.RequestLoggingMiddleware", false)]
    public void MongoDB_lines_carry_a_MongoDB_source(string sourceContext, bool tagged)
    {
        var logEvent = Event(sourceContext, exception: null);
        new MongoDbSourceEnricher().Enrich(logEvent, new PropertyFactory());
        Assert.Equal(tagged, logEvent.Properties.TryGetValue("Source", out var source) && source.ToString() == "\"MongoDB\"");
    }

    [Fact]
    public void A_line_carrying_a_driver_exception_carries_the_MongoDB_source_whoever_logged_it()
    {
        var logEvent = Event("Olorin.Server.Errors.ProblemExceptionHandler", new InvalidOperationException("wrapped", new MongoClientException("no server")));
        new MongoDbSourceEnricher().Enrich(logEvent, new PropertyFactory());
        Assert.Equal("\"MongoDB\"", logEvent.Properties["Source"].ToString());
    }

    private static LogEvent Event(string sourceContext, Exception? exception)
        => new(DateTimeOffset.UtcNow, LogEventLevel.Information, exception, new MessageTemplateParser().Parse("x"),
            [new LogEventProperty("SourceContext", new ScalarValue(sourceContext))]);

    private sealed class PropertyFactory : Serilog.Core.ILogEventPropertyFactory
    {
        public LogEventProperty CreateProperty(string name, object? value, bool destructureObjects = false) => new(name, new ScalarValue(value));
    }
}
