using System.Collections.Concurrent;

namespace Olorin.Server.Identity;

/// <summary>
/// The host's logger factory, creating each category's logger once. An authentication handler (the header handler,
/// and ASP.NET Core's JwtBearerHandler as AuthenticationRegistration registers it) is transient and its
/// base class creates its logger in the constructor, i.e. on every request; Microsoft's factory caches loggers by
/// category, Serilog's (the host's) builds a new one each time (docs/performance.md, "Session 7: GET by id").
/// For handlers with a fixed category only: every category asked for stays cached for the life of the process.
/// </summary>
internal sealed class CategoryCachingLoggerFactory(ILoggerFactory host) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, host.CreateLogger);

    public void AddProvider(ILoggerProvider provider) => host.AddProvider(provider);

    /// <summary>Nothing of its own to release: the host owns and disposes its factory.</summary>
    public void Dispose() { }
}
