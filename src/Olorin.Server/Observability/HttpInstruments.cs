using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Olorin.Server.Observability;

/// <summary>
/// Requests and errors by route and status class. ASP.NET Core's own <c>http.server.request.duration</c> has the
/// latencies; these two counters are what a dashboard and the alert rules read for rates.
/// </summary>
public sealed class HttpInstruments : IOlorinInstruments
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;

    public HttpInstruments(OlorinMeter meter)
    {
        _requests = meter.Meter.CreateCounter<long>("olorin.http.requests", unit: "{request}",
            description: "Requests answered, by route, method and status class (2xx, 3xx, 4xx, 5xx).");
        _errors = meter.Meter.CreateCounter<long>("olorin.http.errors", unit: "{request}",
            description: "Requests answered with 4xx (client errors) or 5xx (server errors, the runbook's error rate), by route and status class.");
    }

    public void Record(string route, string method, int statusCode)
    {
        var statusClass = StatusClass(statusCode);
        _requests.Add(1, new TagList { { "http.route", route }, { "http.request.method", method }, { "status_class", statusClass } });
        if (statusCode >= 400) _errors.Add(1, new TagList { { "http.route", route }, { "status_class", statusClass } });
    }

    public static string StatusClass(int statusCode) => statusCode switch
    {
        >= 100 and < 600 => $"{statusCode / 100}xx",
        _ => "other",
    };
}

/// <summary>Counts each request once, with the status the client finally gets and the matched route template.</summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, HttpInstruments instruments)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Routing has run: take the route now, because the exception handler clears the endpoint when it re-executes
        // the request for a problem response (a 503 while the database is down would otherwise read "unmatched").
        var matched = context.GetEndpoint();
        var failed = true;
        try
        {
            await next(context);
            failed = false;
        }
        finally
        {
            // An exception escaping here is answered 500 by the server.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            instruments.Record(RouteOf(matched ?? context.GetEndpoint()), context.Request.Method, status);
        }
    }

    /// <summary>The endpoint's route template (bounded cardinality: never the raw path); <c>unmatched</c> when none matched.</summary>
    public static string RouteOf(Endpoint? endpoint)
        => endpoint is RouteEndpoint route ? "/" + (route.RoutePattern.RawText ?? "").TrimStart('/') : "unmatched";
}
