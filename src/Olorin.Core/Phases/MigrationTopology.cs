namespace Olorin.Core.Phases;

/// <summary>
/// The phase the server runs in and the backend names of its two stores (<c>postgresql</c>, <c>mongodb</c>);
/// <see cref="SecondaryBackend"/> is null in the single-store phases. Registered as a singleton at start-up.
/// </summary>
public sealed record MigrationTopology(MigrationPhase Phase, string PrimaryBackend, string? SecondaryBackend);
