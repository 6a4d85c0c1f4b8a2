namespace Olorin.Core.Transitions;

/// <summary>
/// The anomaly status machine, written once for both adapters: forward only (new → triaged → closed, new → closed);
/// repeating the current status is a no-op that succeeds.
/// </summary>
public static class AnomalyTransitions
{
    /// <summary>The statuses an anomaly may move to <paramref name="target"/> from: the guard of the one conditional write.</summary>
    public static IReadOnlyList<AnomalyStatus> AllowedFrom(AnomalyStatus target) => target switch
    {
        AnomalyStatus.New => [AnomalyStatus.New],
        AnomalyStatus.Triaged => [AnomalyStatus.New, AnomalyStatus.Triaged],
        AnomalyStatus.Closed => [AnomalyStatus.New, AnomalyStatus.Triaged, AnomalyStatus.Closed],
        _ => [],
    };

    /// <summary>The 409 detail when anomaly <paramref name="anomalyId"/>, now <paramref name="current"/>, may not move to <paramref name="target"/>.</summary>
    public static string Refusal(string anomalyId, AnomalyStatus current, AnomalyStatus target)
        => $"Anomaly {anomalyId} is {WireEnum.ToWire(current)}; it cannot move back to {WireEnum.ToWire(target)}.";
}
