using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Olorin.Persistence.Postgres;

namespace Olorin.Server.Health;

/// <summary>Opens a connection and runs <c>SELECT 1</c>, bounded by the health check's own timeout.</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The message only: Npgsql exceptions never carry the password, but there is no need for the stack trace here.
            return HealthCheckResult.Unhealthy($"PostgreSQL is unreachable: {ex.Message}");
        }
    }
}

public static class PostgresHealthCheckRegistration
{
    public static IHealthChecksBuilder AddPostgresCheck(this IHealthChecksBuilder builder)
        => builder.AddCheck<PostgresHealthCheck>(PostgresPersistence.BackendName, tags: [HealthTags.Ready], timeout: PostgresHealthCheck.Timeout);
}
