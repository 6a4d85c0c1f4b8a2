using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>A saved investigation configuration (collection <c>templates</c>, table <c>investigation_templates</c>).</summary>
public sealed class InvestigationTemplate
{
    public string TemplateId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<string> Tags { get; set; } = [];
    public TemplateBody Template { get; set; } = new();
    public long UsageCount { get; set; }
    public DateTime? LastUsed { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class TemplateBody : IKeepsUnknownMembers
{
    public string? EntityType { get; set; }
    public JsonObject Settings { get; set; } = [];
    public List<string> Agents { get; set; } = [];
    public List<string> DataSources { get; set; } = [];
    public JsonObject DefaultParams { get; set; } = [];

    /// <summary>Members the client sent that the server does not interpret, kept as sent (Decision 12).</summary>
    [JsonExtensionData]
    public UnknownMembers UnknownMembers { get; set => field = value ?? []; } = [];
}
