using Olorin.Core.Phases;

namespace Olorin.Server.Migration;

/// <summary>
/// The <c>shadow_reads</c> section: its counts, and a blocker while any mismatch is unresolved (see
/// <see cref="ShadowReadStats"/>). Read errors are shown but do not block: an unreachable secondary is the outbox
/// section's blocker.
/// </summary>
public sealed class ShadowReadGateSource(
    IServiceProvider services, ShadowReadQueue queue, ShadowReadStats stats, VerificationRecords records) : IMigrationGateSource
{
    public string Section => "shadow_reads";

    public async Task<MigrationGateReport> ReportAsync(CancellationToken cancellationToken = default)
    {
        var active = queue.SampleRate > 0 && services.GetService<SecondaryStore>() is not null;
        DateTime? cleanAt = null;
        try
        {
            if (await records.LastAsync(cancellationToken) is { Clean: true, CoversAllCollections: true } clean) cleanAt = clean.FinishedAt;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The verification section reports the error; here no clean run is known.
        }
        var report = stats.Snapshot(queue.SampleRate, active, cleanAt);
        var blockers = new List<string>();
        if (report.Unresolved > 0 || report.UnresolvedOverflow)
        {
            var latest = report.UnresolvedMismatches.FirstOrDefault();
            blockers.Add($"{(report.UnresolvedOverflow ? $"more than {ShadowReadStats.MaxUnresolved}" : report.Unresolved.ToString())} document(s) differ between primary and secondary in shadow reads"
                         + (latest is null ? "" : $" (latest in {latest.Collection} at {string.Join(", ", latest.Fields)}; the ids are in /status/migration/details)")
                         + ": repair them (scripts/olorin migrate) and run verify-migration");
        }
        return new MigrationGateReport(report, blockers);
    }
}
