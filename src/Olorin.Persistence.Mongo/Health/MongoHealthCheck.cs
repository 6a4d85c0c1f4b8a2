using Microsoft.Extensions.Diagnostics.HealthChecks;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Mongo.Status;

namespace Olorin.Persistence.Mongo.Health;

/// <summary>
/// Healthy when the server answers a <c>ping</c> (https://www.mongodb.com/docs/manual/reference/command/ping/) within <see cref="Timeout"/>; otherwise the registration's failure
/// status (Unhealthy when MongoDB serves requests, Degraded when PostgreSQL does and MongoDB is only probed).
/// </summary>
public sealed class MongoHealthCheck(MongoClientSource clients, MongoSettings settings) : IHealthCheck
{
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public MongoHealthCheck(IMongoClient client, MongoSettings settings) : this(new MongoClientSource(settings, client), settings)
    {
    }

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static HealthStatus FailureStatus(HealthCheckContext context) => context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var client = clients.Existing;
        try
        {
            client = await clients.GetAsync(deadline.Token);
            var ping = await MongoCapabilityProbe.PingAsync(client, deadline.Token);
            return HealthCheckResult.Healthy("MongoDB answers.", new Dictionary<string, object>
            {
                ["backend"] = MongoPersistence.BackendName,
                ["database"] = settings.Database,
                ["ping_ms"] = Math.Round(ping.TotalMilliseconds, 1),
            });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(FailureStatus(context), $"MongoDB did not answer a ping within {Timeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthCheckResult(FailureStatus(context), $"MongoDB is unreachable: {MongoErrorText.Describe(e, settings.Uri, client)}");
        }
    }
}
