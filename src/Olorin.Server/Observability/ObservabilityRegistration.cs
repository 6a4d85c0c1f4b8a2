using System.Reflection;
using MongoDB.Driver;
using Npgsql;
using Olorin.Persistence.Mongo.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Olorin.Server.Observability;

/// <summary>
/// OpenTelemetry for the server: ASP.NET Core, runtime, Npgsql and MongoDB driver telemetry plus the project's own
/// instruments (<see cref="OlorinMeter"/>); <c>/metrics</c> in Prometheus format unless <c>ENABLE_METRICS=false</c>;
/// OTLP export of traces and metrics when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the
/// standard <c>OTEL_EXPORTER_OTLP_*</c> variables itself); and the rollback monitor behind <c>/status</c>.
/// </summary>
public static class ObservabilityRegistration
{
    public const string MetricsPath = "/metrics";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddOlorinObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ObservabilityOptions>().BindConfiguration("")
            .Validate(o => o.ErrorRatePercent is > 0 and <= 100, "ROLLBACK_ERROR_RATE_PERCENT must be a percentage greater than 0 and at most 100.")
            .Validate(o => o.P99LatencyMs > 0, "ROLLBACK_P99_LATENCY_MS must be a number of milliseconds greater than 0.")
            .Validate(o => o.PoolUsagePercent is > 0 and <= 100, "ROLLBACK_POOL_USAGE_PERCENT must be a percentage greater than 0 and at most 100.")
            .Validate(o => o.WindowSeconds is >= 1 and <= 3600, "ROLLBACK_WINDOW_SECONDS must be a number of seconds from 1 to 3600.")
            .Validate(o => o.MinRequests >= 1, "ROLLBACK_MIN_REQUESTS must be at least 1.")
            .ValidateOnStart();

        var options = builder.Configuration.Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        var otlp = OtlpEndpoint(builder.Configuration);

        services.AddSingleton<OlorinMeter>();
        services.AddOlorinInstruments<HttpInstruments>();
        services.AddOlorinInstruments<PoolInstruments>();
        services.AddHostedService<OlorinInstrumentsActivator>();
        services.AddSingleton<RollbackMonitor>();

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("olorin-server", serviceVersion: Version, autoGenerateServiceInstanceId: true))
            .WithTracing(tracing =>
            {
                // Spans only when they go somewhere: without an exporter each request built and dropped one span per
                // repository call and per Npgsql command (docs/performance.md, session 6), and the request's own span
                // was sampled and tagged by the instrumentation for nothing (session 7). The request keeps its trace
                // id without it: ASP.NET Core's hosting starts the request's Activity itself whenever logging is on
                // (from the traceparent header when there is one), and that is the trace id of the logs.
                if (otlp)
                    tracing
                        .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath))
                        .AddNpgsql()
                        .AddSource(MongoTelemetry.ActivitySourceName)
                        .AddSource(OlorinMeter.Name)
                        .AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddMeter(OlorinMeter.Name, MongoDriverEvents.MeterName);
                if (options.MetricsEnabled) metrics.AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            });
        return builder;
    }

    /// <summary>Starts the rollback monitor, counts requests, and maps <c>/metrics</c> (anonymous, like the health probes) when enabled.</summary>
    public static WebApplication UseOlorinObservability(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<RollbackMonitor>();
        app.UseMiddleware<RequestMetricsMiddleware>();
        return app;
    }

    public static IEndpointRouteBuilder MapMetricsApi(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ObservabilityOptions>>().Value.MetricsEnabled)
            app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Whether OTLP export is on; a value that is not an absolute http(s) URL stops start-up naming the variable.</summary>
    private static bool OtlpEndpoint(IConfiguration configuration)
    {
        var value = configuration[OtlpEndpointVariable];
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new StartupAbortedException($"{OtlpEndpointVariable} must be an absolute http:// or https:// URL (the OTLP collector), e.g. http://otel-collector:4317.");
        return true;
    }

    private static string? Version => typeof(ObservabilityRegistration).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}
