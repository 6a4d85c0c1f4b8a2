using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Migration.Verification;

namespace Olorin.Server.Migration;

/// <summary>
/// Reads the last <c>verify-migration</c> outcome (<see cref="VerificationRecord"/>) where the tool keeps it: on its
/// target, which is the secondary store of this server or (when the operator verified in the other direction) the
/// primary. The newer of the two is the last run.
/// </summary>
public sealed class VerificationRecords(IServiceProvider services)
{
    public async Task<VerificationRecord?> LastAsync(CancellationToken cancellationToken)
    {
        VerificationRecord? last = null;
        if (services.GetService<SecondaryStore>() is { } secondary)
            last = await LoadAsync(secondary.Services, cancellationToken);
        var onPrimary = await LoadAsync(services, cancellationToken);
        return onPrimary is not null && (last is null || onPrimary.FinishedAt > last.FinishedAt) ? onPrimary : last;
    }

    private static async Task<VerificationRecord?> LoadAsync(IServiceProvider store, CancellationToken cancellationToken)
        => store.GetService<IMigrationStateStore>() is { } state ? await VerificationRecord.LoadAsync(state, cancellationToken) : null;
}
