using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>Risk score of one transaction in one investigation; unique on (investigation_id, transaction_id).</summary>
public sealed class TransactionScore
{
    public string InvestigationId { get; set; } = "";
    public string TransactionId { get; set; } = "";
    public string TenantId { get; set; } = "";
    /// <summary>0–1 (Decision 5).</summary>
    public double RiskScore { get; set; }
    public ScoreComponents? ScoreComponents { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Each component 0–1 when set.</summary>
public sealed class ScoreComponents : IKeepsUnknownMembers
{
    public double? DeviceRisk { get; set; }
    public double? LocationRisk { get; set; }
    public double? VelocityRisk { get; set; }
    public double? NetworkRisk { get; set; }

    /// <summary>Members the client sent that the server does not interpret, kept as sent (Decision 12).</summary>
    [JsonExtensionData]
    public UnknownMembers UnknownMembers { get; set => field = value ?? []; } = [];
}
