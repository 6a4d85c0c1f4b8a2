using Olorin.Server.Apis.Investigations;

namespace Olorin.Server.Apis.Polling;

/// <summary>The investigation as polled, with the interval the server recommends before the next poll.</summary>
public sealed record PollingStateResponse(InvestigationResponse StateData, int RecommendedIntervalMs, int PollAfterSeconds, string Etag);

/// <summary>The <c>/changes</c> answer of the investigation routes, with the recommended interval.</summary>
public sealed record PollingChangesResponse(
    string InvestigationId,
    int SinceVersion,
    int? CurrentVersion,
    bool HasChanges,
    IReadOnlyList<ChangeResponse> Changes,
    bool Complete,
    int RecommendedIntervalMs,
    int PollAfterSeconds);

/// <summary>What a progress bar needs: phase, percentage (from <c>progress</c>, 0 when absent), status.</summary>
public sealed record PollingSummaryResponse(
    string InvestigationId,
    string? CurrentPhase,
    double ProgressPercentage,
    InvestigationStatus Status,
    LifecycleStage LifecycleStage,
    DateTime UpdatedAt,
    int Version,
    string Etag,
    int RecommendedIntervalMs)
{
    public static PollingSummaryResponse From(Investigation i, int recommendedIntervalMs) => new(
        i.InvestigationId, InvestigationReadings.CurrentPhase(i.Progress), InvestigationReadings.ProgressPercentage(i.Progress),
        i.Status, i.LifecycleStage, i.UpdatedAt, i.Version, InvestigationETag.For(i), recommendedIntervalMs);
}

/// <summary>The caller's unfinished investigations, most recently updated first.</summary>
public sealed record ActiveInvestigationsResponse(IReadOnlyList<PollingSummaryResponse> Investigations, int Count, int RecommendedIntervalMs);
