using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Olorin.Server.Health;

/// <summary><c>/health</c> (every check), <c>/health/live</c> (the process only) and <c>/health/ready</c> (dependencies).</summary>
public static class HealthApi
{
    public const int RetryAfterSeconds = 5;

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteReport }).WithTags("Health");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteReport }).WithTags("Health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteReport,
        }).WithTags("Health");
        return app;
    }

    /// <summary>
    /// Healthy and degraded reports are plain JSON; an unhealthy one (503) is a ProblemDetails document that carries
    /// the report in its extensions (<c>health_status</c>, <c>total_duration_ms</c>, <c>checks</c>), like every other
    /// non-2xx answer.
    /// </summary>
    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.Select(entry => new Dictionary<string, object?>
        {
            ["name"] = entry.Key,
            ["status"] = entry.Value.Status.ToString(),
            ["duration_ms"] = Math.Round(entry.Value.Duration.TotalMilliseconds, 2),
            ["description"] = entry.Value.Description,
        }).ToList();
        var totalMs = Math.Round(report.TotalDuration.TotalMilliseconds, 2);
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        if (report.Status != HealthStatus.Unhealthy)
        {
            var body = new Dictionary<string, object?> { ["status"] = report.Status.ToString(), ["total_duration_ms"] = totalMs, ["checks"] = checks };
            return context.Response.WriteAsJsonAsync(body, json, contentType: "application/json");
        }

        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        var failing = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Key);
        var problem = new Dictionary<string, object?>
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            ["title"] = "Service Unavailable",
            ["status"] = StatusCodes.Status503ServiceUnavailable,
            ["detail"] = $"Unhealthy: {string.Join(", ", failing)}.",
            ["health_status"] = report.Status.ToString(),
            ["total_duration_ms"] = totalMs,
            ["checks"] = checks,
        };
        return context.Response.WriteAsJsonAsync(problem, json, contentType: "application/problem+json");
    }
}
