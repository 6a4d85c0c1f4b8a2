using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Olorin.Core.Phases;
using Olorin.Core.Serialization;
using Olorin.Server.Configuration;
using Olorin.Server.Observability;
using Olorin.Server.Persistence;

namespace Olorin.Server.Status;

public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        _ = app.ServiceProvider.GetRequiredService<ServerInfo>(); // created now, so that started_at is the start-up time
        app.MapGet("/status", GetStatus).WithTags("Status")
            .WithSummary("Which backend serves requests, and since when; the last minute's error rate, P99 latency and pool usage, and whether the runbook advises a rollback.");
        return app;
    }

    public static Ok<StatusResponse> GetStatus(ServerInfo server, ActiveBackend backend, MigrationTopology topology, IOptions<BackendOptions> options, TimeProvider clock, RollbackMonitor rollback)
    {
        var now = clock.GetUtcNow();
        var signals = rollback.Evaluate();
        return TypedResults.Ok(new StatusResponse(
            backend.Name,
            topology.Phase.WireName(),
            options.Value.EnableMongoDb,
            server.Version,
            Math.Round((now - server.StartedAt).TotalSeconds, 3),
            UtcTime.Normalize(server.StartedAt.UtcDateTime),
            server.Environment,
            backend.FallbackReason,
            signals.Window,
            signals.Pools,
            signals.RollbackAdvised,
            signals.RollbackReason));
    }
}

public sealed record StatusResponse(
    string Backend,
    string MigrationPhase,
    bool EnableMongodb,
    string Version,
    double UptimeSeconds,
    DateTime StartedAt,
    string Environment,
    string? FallbackReason,
    TrafficWindow Traffic,
    IReadOnlyList<PoolUsage> Pools,
    bool RollbackAdvised,
    string? RollbackReason);
