namespace Olorin.Core.Validation;

/// <summary>What a client may send for transaction scores: every score 0–1, rejected (never clamped) outside it (Decision 5).</summary>
public static class TransactionScoreRules
{
    /// <summary>The most scores one bulk request may carry.</summary>
    public const int MaxScoresPerRequest = 10_000;

    /// <summary>Equal-width risk buckets over [0, 1] in a distribution.</summary>
    public const int DistributionBuckets = 10;

    public static void BatchSize(ValidationErrors errors, string field, int count)
    {
        if (count == 0) errors.Add(field, $"{field} must contain at least one score.");
        else if (count > MaxScoresPerRequest) errors.Add(field, $"{field} may contain at most {MaxScoresPerRequest} scores (had {count}).");
    }

    /// <param name="field">The wire path of the score, e.g. <c>scores[3]</c>.</param>
    public static void Score(ValidationErrors errors, string field, string? transactionId, double? riskScore, ScoreComponents? components)
    {
        FieldRules.RequiredId(errors, $"{field}.transaction_id", transactionId);

        if (riskScore is null) errors.Add($"{field}.risk_score", $"{field}.risk_score is required.");
        else RiskScore(errors, $"{field}.risk_score", riskScore);

        if (components is null) return;
        RiskScore(errors, $"{field}.score_components.device_risk", components.DeviceRisk);
        RiskScore(errors, $"{field}.score_components.location_risk", components.LocationRisk);
        RiskScore(errors, $"{field}.score_components.velocity_risk", components.VelocityRisk);
        RiskScore(errors, $"{field}.score_components.network_risk", components.NetworkRisk);
    }

    public static void RiskScore(ValidationErrors errors, string field, double? value) => FieldRules.Range(errors, field, value, 0, 1);
}
