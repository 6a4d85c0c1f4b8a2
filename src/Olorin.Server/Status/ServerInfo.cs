using System.Reflection;

namespace Olorin.Server.Status;

/// <summary>Facts about this process fixed at start-up.</summary>
public sealed class ServerInfo(TimeProvider clock, IHostEnvironment environment)
{
    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    public string Environment { get; } = environment.EnvironmentName;

    public string Version { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServerInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
