using Microsoft.Extensions.Options;
using Olorin.Core.Phases;
using Olorin.Core.Serialization;
using Olorin.Migration.Verification;

namespace Olorin.Server.Migration;

/// <summary>
/// The <c>verification</c> section: the last <c>verify-migration</c> run and whether it lets the operator advance —
/// it must exist, be clean, cover every collection and be at most <c>VERIFY_MAX_AGE_MINUTES</c> old.
/// </summary>
public sealed class VerificationGateSource(
    IServiceProvider services, VerificationRecords records, IOptions<MigrationGateOptions> options, TimeProvider clock) : IMigrationGateSource
{
    public string Section => "verification";

    public async Task<MigrationGateReport> ReportAsync(CancellationToken cancellationToken = default)
    {
        var maxAge = TimeSpan.FromMinutes(options.Value.VerifyMaxAgeMinutes);
        var hasSecondary = MigrationTopologies.Current(services).Phase.HasSecondary();
        VerificationRecord? last;
        try
        {
            last = await records.LastAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = Logging.SecretRedactor.Redact(ex.Message);
            return new MigrationGateReport(new VerificationReport(options.Value.VerifyMaxAgeMinutes, null, null, error),
                hasSecondary ? [$"the last verify-migration result cannot be read: {error}"] : []);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        double? ageMinutes = last is null ? null : Math.Round((now - last.FinishedAt).TotalMinutes, 1);
        var blockers = new List<string>();
        if (hasSecondary)
        {
            if (last is null)
                blockers.Add("verify-migration has never recorded a run on these stores: run scripts/olorin verify-migration");
            else
            {
                if (!last.Clean)
                    blockers.Add($"the last verify-migration (finished {UtcTime.Normalize(last.FinishedAt):O}) was not clean: {last.Missing} missing, {last.Extra} extra, {last.Different} different, {last.IndexProblems.Count} index problem(s)");
                if (!last.CoversAllCollections)
                    blockers.Add($"the last verify-migration compared only {string.Join(", ", last.Collections)}: run it without --collections");
                if (now - last.FinishedAt > maxAge)
                    blockers.Add($"the last verify-migration finished {ageMinutes} minutes ago, more than VERIFY_MAX_AGE_MINUTES ({options.Value.VerifyMaxAgeMinutes}): run it again");
            }
        }
        return new MigrationGateReport(new VerificationReport(options.Value.VerifyMaxAgeMinutes, ageMinutes, last, null), blockers);
    }
}

/// <summary>The <c>verification</c> section of <c>/status/migration</c>.</summary>
/// <param name="LastRun">The last recorded run (null when none was recorded on either store).</param>
public sealed record VerificationReport(int MaxAgeMinutes, double? AgeMinutes, VerificationRecord? LastRun, string? Error);
