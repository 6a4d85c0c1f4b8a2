using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>One detected anomaly, optionally with a 384-dimensional embedding (Decision 1).</summary>
public sealed class AnomalyEvent
{
    public string AnomalyId { get; set; } = "";
    public string RunId { get; set; } = "";
    public string DetectorId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string? InvestigationId { get; set; }
    public JsonObject Cohort { get; set; } = [];
    public JsonObject Evidence { get; set; } = [];
    public AnomalyWindow Window { get; set; } = new();
    public string Metric { get; set; } = "";
    public double Observed { get; set; }
    public double Expected { get; set; }
    public double Score { get; set; }
    public AnomalySeverity Severity { get; set; }
    public AnomalyStatus Status { get; set; } = AnomalyStatus.New;
    public int PersistedN { get; set; } = 1;
    public DateTime? FirstSeen { get; set; }
    public DateTime? LastSeen { get; set; }
    /// <summary>Empty when the anomaly has no embedding (a stored null reads back as empty).</summary>
    public float[] Embedding { get; set => field = value ?? []; } = [];

    /// <summary>
    /// Set only by a read that left <see cref="Embedding"/> out (a list without <c>include_embedding</c>): whether an
    /// embedding is stored. Not a stored field.
    /// </summary>
    [JsonIgnore]
    public bool? EmbeddingStored { get; set; }

    /// <summary>Whether the anomaly has an embedding, also when the read left the embedding itself out.</summary>
    [JsonIgnore]
    public bool HasEmbedding => EmbeddingStored ?? Embedding.Length > 0;
    public DateTime CreatedAt { get; set; }

    /// <summary>What both adapters store on a create: the caller's tenant, <see cref="CreatedAt"/> defaulted to now, every timestamp in <see cref="UtcTime"/> form.</summary>
    public void NormalizeForCreate(string tenantId, DateTime now)
    {
        TenantId = tenantId;
        CreatedAt = CreatedAt == default ? now : UtcTime.Normalize(CreatedAt);
        FirstSeen = UtcTime.Normalize(FirstSeen);
        LastSeen = UtcTime.Normalize(LastSeen);
        Window.Start = UtcTime.Normalize(Window.Start);
        Window.End = UtcTime.Normalize(Window.End);
    }
}

public sealed class AnomalyWindow : IKeepsUnknownMembers
{
    public DateTime Start { get; set; }
    public DateTime End { get; set; }
    public double? DurationMinutes { get; set; }

    /// <summary>Members the client sent that the server does not interpret, kept as sent (Decision 12).</summary>
    [JsonExtensionData]
    public UnknownMembers UnknownMembers { get; set => field = value ?? []; } = [];
}

public enum AnomalySeverity
{
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("warn")] Warn,
    [JsonStringEnumMemberName("critical")] Critical,
}

public enum AnomalyStatus
{
    [JsonStringEnumMemberName("new")] New,
    [JsonStringEnumMemberName("triaged")] Triaged,
    [JsonStringEnumMemberName("closed")] Closed,
}
