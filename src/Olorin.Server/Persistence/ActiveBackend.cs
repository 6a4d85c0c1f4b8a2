namespace Olorin.Server.Persistence;

/// <summary>The persistence backend this process runs on, and why it is not the requested one (null when it is).</summary>
public sealed record ActiveBackend(string Name, string? FallbackReason = null);
