using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>One fraud investigation (collection <c>investigations</c>, table <c>investigation_states</c>).</summary>
public sealed class Investigation
{
    public string InvestigationId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public LifecycleStage LifecycleStage { get; set; } = LifecycleStage.Created;
    public InvestigationStatus Status { get; set; } = InvestigationStatus.Created;
    /// <summary>Kept exactly as the client sent it (Decision 12); <see cref="InvestigationSettingsReading"/> interprets it.</summary>
    public JsonObject? Settings { get; set; }
    /// <summary>Kept exactly as sent; <c>progress_percentage</c> (0–100) and <c>current_phase</c> are interpreted.</summary>
    public JsonObject? Progress { get; set; }
    /// <summary>Kept exactly as sent; <c>risk_score</c> (0–1, Decision 5) is interpreted.</summary>
    public JsonObject? Results { get; set; }
    public int Version { get; set; } = 1;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? LastAccessed { get; set; }
    /// <summary>Kept exactly as sent; <see cref="InvestigationMetadata.Default"/> when the client sent none.</summary>
    public JsonObject Metadata { get; set; } = InvestigationMetadata.Default();

    /// <summary>
    /// The server's embedding of settings, findings and summary (<see cref="Embeddings.EmbeddingTexts.ForInvestigation"/>);
    /// empty until computed, and emptied again when settings or results change. Stored, never sent to clients nor audited.
    /// </summary>
    [JsonIgnore]
    public float[] Embedding { get; set => field = value ?? []; } = [];
}

public enum LifecycleStage
{
    [JsonStringEnumMemberName("CREATED")] Created,
    [JsonStringEnumMemberName("SETTINGS")] Settings,
    [JsonStringEnumMemberName("IN_PROGRESS")] InProgress,
    [JsonStringEnumMemberName("COMPLETED")] Completed,
}

public enum InvestigationStatus
{
    [JsonStringEnumMemberName("CREATED")] Created,
    [JsonStringEnumMemberName("SETTINGS")] Settings,
    [JsonStringEnumMemberName("IN_PROGRESS")] InProgress,
    [JsonStringEnumMemberName("COMPLETED")] Completed,
    [JsonStringEnumMemberName("ERROR")] Error,
    [JsonStringEnumMemberName("CANCELLED")] Cancelled,
}
