using System.Text.Json.Nodes;
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
    public InvestigationSettings? Settings { get; set; }
    public InvestigationProgress? Progress { get; set; }
    public InvestigationResults? Results { get; set; }
    public int Version { get; set; } = 1;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? LastAccessed { get; set; }
    public InvestigationMetadata Metadata { get; set; } = new();

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

/// <summary>
/// Stored settings. The reference's stored shape (entity_type/entity_value, time_range, agents_selected,
/// data_sources, additional_config) plus the fields its API schema sends (name, entities, tools, modes),
/// so that nothing a client sends is dropped.
/// </summary>
public sealed class InvestigationSettings
{
    public string? Name { get; set; }
    public string? EntityType { get; set; }
    public string? EntityValue { get; set; }
    public List<InvestigationEntity> Entities { get; set; } = [];
    public InvestigationTimeRange? TimeRange { get; set; }
    public string? InvestigationType { get; set; }
    public string? InvestigationMode { get; set; }
    public bool AutoSelectEntities { get; set; }
    public List<InvestigationTool> Tools { get; set; } = [];
    public string? CorrelationMode { get; set; }
    public List<string> AgentsSelected { get; set; } = [];
    public List<string> DataSources { get; set; } = [];
    public JsonObject AdditionalConfig { get; set; } = [];
}

public sealed class InvestigationEntity
{
    public string EntityType { get; set; } = "";
    public string EntityValue { get; set; } = "";
}

public sealed class InvestigationTimeRange
{
    public DateTime? StartDate { get; set; }
    public DateTime? EndDate { get; set; }
    public int? DurationHours { get; set; }
    public string? Type { get; set; }
}

public sealed class InvestigationTool
{
    public string ToolName { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public JsonObject Config { get; set; } = [];
}

public sealed class InvestigationProgress
{
    public string CurrentPhase { get; set; } = "";
    /// <summary>0–100; values outside are clamped (reference behaviour).</summary>
    public double ProgressPercentage { get; set; }
    public List<string> PhasesCompleted { get; set; } = [];
    public DateTime? EstimatedCompletion { get; set; }
    public JsonObject AdditionalData { get; set; } = [];
}

public sealed class InvestigationResults
{
    public string? Summary { get; set; }
    /// <summary>0–1 (Decision 5).</summary>
    public double? RiskScore { get; set; }
    public List<JsonObject> Findings { get; set; } = [];
    public List<string> Recommendations { get; set; } = [];
    public JsonObject Metadata { get; set; } = [];
}

public sealed class InvestigationMetadata
{
    public string Source { get; set; } = "USER";
    public string? Priority { get; set; }
    public List<string> Tags { get; set; } = [];
    public JsonObject CustomFields { get; set; } = [];
}
