using Olorin.Migration.Preflight;

namespace Olorin.Migration;

/// <summary>
/// One side of a migration: a service provider that composes one backend's implementation of every port (and its
/// <see cref="Olorin.Core.Ports.IMigrationStateStore"/>), what that backend can hold, and a description without secrets.
/// </summary>
public sealed record MigrationEndpoint(string Backend, string Description, IServiceProvider Services, TargetLimits Limits);
