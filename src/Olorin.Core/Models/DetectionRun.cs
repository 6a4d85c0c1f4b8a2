using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>
/// One execution of a detector over a time window. Time series in MongoDB (timeField <c>started_at</c>,
/// metaField <c>metadata</c>, Decision 2); <c>run_id</c> is unique by application guarantee.
/// </summary>
public sealed class DetectionRun
{
    public string RunId { get; set; } = "";
    public DetectionRunMetadata Metadata { get; set; } = new();
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public DetectionWindow Window { get; set; } = new();
    public DetectionRunInfo Info { get; set; } = new();
}

public sealed class DetectionRunMetadata
{
    public string DetectorId { get; set; } = "";
    public string? DetectorType { get; set; }
    public string TenantId { get; set; } = "";
    public DetectionRunStatus Status { get; set; } = DetectionRunStatus.Queued;
}

public enum DetectionRunStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("success")] Success,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>The analysed window; stored keys are <c>from</c> and <c>to</c>.</summary>
public sealed class DetectionWindow : IKeepsUnknownMembers
{
    public DateTime From { get; set; }
    public DateTime To { get; set; }
    public double? DurationHours { get; set; }

    /// <summary>Members the client sent that the server does not interpret, kept as sent (Decision 12).</summary>
    [JsonExtensionData]
    public UnknownMembers UnknownMembers { get; set => field = value ?? []; } = [];
}

public sealed class DetectionRunInfo : IKeepsUnknownMembers
{
    public long? RecordsProcessed { get; set; }
    public long? CohortsAnalyzed { get; set; }
    public long? AnomaliesDetected { get; set; }
    public string? ErrorMessage { get; set; }
    public JsonObject AdditionalInfo { get; set; } = [];

    /// <summary>Members the client sent that the server does not interpret, kept as sent (Decision 12).</summary>
    [JsonExtensionData]
    public UnknownMembers UnknownMembers { get; set => field = value ?? []; } = [];
}
