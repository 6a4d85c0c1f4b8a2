namespace Olorin.Core.Phases;

/// <summary>
/// One input of <c>/status/migration</c>: a named section of the report (for example <c>outbox</c>,
/// <c>shadow_reads</c>, <c>verification</c>) and the reasons, if any, why advancing to the next phase is not safe.
/// <c>safe_to_advance</c> is true only when no registered source gives a blocker.
/// </summary>
public interface IMigrationGateSource
{
    /// <summary>The snake_case name of the section in the report.</summary>
    string Section { get; }

    Task<MigrationGateReport> ReportAsync(CancellationToken cancellationToken = default);
}

/// <param name="Details">The section's content, serialised as snake_case JSON.</param>
/// <param name="Blockers">Each reason, in words an operator can act on; empty when this source sees no obstacle.</param>
public sealed record MigrationGateReport(object Details, IReadOnlyList<string> Blockers);
