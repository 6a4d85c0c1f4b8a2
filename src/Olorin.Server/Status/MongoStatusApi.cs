using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Server.Status;

/// <summary>
/// <c>/status/mongodb</c>: 200 with <c>enabled: false</c> when MongoDB is not enabled; when enabled, the live report
/// (connection, server version, collections and counts, required indexes present/missing, search and transaction
/// support, ping, pool, redacted URI) — 200 when healthy, 503 when not, with the same fields in a ProblemDetails.
/// </summary>
public static class MongoStatusApi
{
    public static IEndpointRouteBuilder MapMongoStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status/mongodb", GetMongoStatus)
            .WithTags("Status")
            .WithSummary("MongoDB connection, collections, indexes and capabilities.")
            .Produces<MongoStatusReport>()
            .Produces<MongoStatusReport>(StatusCodes.Status503ServiceUnavailable, "application/problem+json");
        return app;
    }

    public static async Task<IResult> GetMongoStatus(IServiceProvider services, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (services.GetService<MongoStatusReporter>() is not { } reporter)
            return TypedResults.Ok(MongoStatusReport.Disabled(services.GetService<MongoSettings>()));

        var report = await reporter.GetReportAsync(cancellationToken);
        if (IsHealthy(report)) return TypedResults.Ok(report);

        var body = JsonSerializer.SerializeToNode(report, json.Value.SerializerOptions)!.AsObject();
        body["type"] = "https://tools.ietf.org/html/rfc9110#section-15.6.4";
        body["title"] = "Service Unavailable";
        body["status"] = StatusCodes.Status503ServiceUnavailable;
        body["detail"] = Describe(report);
        return TypedResults.Json(body, json.Value.SerializerOptions, "application/problem+json", StatusCodes.Status503ServiceUnavailable);
    }

    public static bool IsHealthy(MongoStatusReport report)
        => report.Connected && report.MissingCollections.Count == 0 && report.Indexes.Missing.Count == 0;

    private static string Describe(MongoStatusReport report)
        => !report.Connected
            ? $"MongoDB is not reachable: {report.Error}"
            : $"MongoDB is missing {report.MissingCollections.Count} collection(s) and {report.Indexes.Missing.Count} required index(es).";
}
