using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>
/// One change to an investigation (collection <c>audit_log</c>, a time series on <c>timestamp</c>;
/// table <c>investigation_audit_log</c>). <c>entry_id</c> is unique by application guarantee.
/// </summary>
public sealed class AuditLogEntry
{
    public string EntryId { get; set; } = "";
    public AuditLogMetadata Metadata { get; set; } = new();
    public DateTime Timestamp { get; set; }
    public AuditChanges Changes { get; set; } = new();
    public JsonObject StateSnapshot { get; set; } = [];
    public int? FromVersion { get; set; }
    public int? ToVersion { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
}

public sealed class AuditLogMetadata
{
    public string InvestigationId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public AuditActionType ActionType { get; set; }
    public AuditSource Source { get; set; } = AuditSource.Api;
}

public sealed class AuditChanges
{
    public List<string> FieldsModified { get; set; } = [];
    public JsonObject Before { get; set; } = [];
    public JsonObject After { get; set; } = [];

    /// <summary>
    /// What was too large to keep whole (<see cref="Auditing.AuditEntries.MaxEntryBytes"/>): <c>state_snapshot</c>
    /// and/or names of modified fields whose before/after values were replaced by a digest
    /// (<c>{truncated: true, sha256, size_bytes}</c>). Empty for entries kept whole.
    /// </summary>
    public List<string> Truncated { get; set; } = [];
}

/// <summary>Decision 3; the legacy CREATED/UPDATED/DELETED are read as CREATE/UPDATE/DELETE.</summary>
public enum AuditActionType
{
    [JsonStringEnumMemberName("CREATE"), AcceptsAlias("CREATED")] Create,
    [JsonStringEnumMemberName("UPDATE"), AcceptsAlias("UPDATED")] Update,
    [JsonStringEnumMemberName("DELETE"), AcceptsAlias("DELETED")] Delete,
    [JsonStringEnumMemberName("EXECUTE")] Execute,
    [JsonStringEnumMemberName("STATE_CHANGE")] StateChange,
    [JsonStringEnumMemberName("SETTINGS_CHANGE")] SettingsChange,
}

public enum AuditSource
{
    [JsonStringEnumMemberName("UI")] Ui,
    [JsonStringEnumMemberName("USER")] User,
    [JsonStringEnumMemberName("API")] Api,
    [JsonStringEnumMemberName("SYSTEM")] System,
    [JsonStringEnumMemberName("WEBHOOK")] Webhook,
    [JsonStringEnumMemberName("POLLING")] Polling,
}
