using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.Investigations;

/// <summary>An investigation as clients see it: every stored field except <c>tenant_id</c> (Decision 7), plus its ETag.</summary>
public record InvestigationResponse(
    string InvestigationId,
    string UserId,
    LifecycleStage LifecycleStage,
    InvestigationStatus Status,
    JsonObject? Settings,
    JsonObject? Progress,
    JsonObject? Results,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastAccessed,
    JsonObject Metadata,
    string Etag)
{
    public static InvestigationResponse From(Investigation i) => new(
        i.InvestigationId, i.UserId, i.LifecycleStage, i.Status, i.Settings, i.Progress, i.Results,
        i.Version, i.CreatedAt, i.UpdatedAt, i.LastAccessed, i.Metadata, InvestigationETag.For(i));
}

/// <summary>The list envelope; its camelCase keys are the existing frontend's contract (Decision 9).</summary>
public sealed record InvestigationListResponse(
    [property: JsonPropertyName("investigations")] IReadOnlyList<InvestigationResponse> Investigations,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static InvestigationListResponse From(PagedResult<Investigation> page) => new(
        page.Items.Select(InvestigationResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}

/// <summary>One audit entry of an investigation, without tenant ids.</summary>
public sealed record HistoryEntryResponse(
    string EntryId,
    string InvestigationId,
    string UserId,
    AuditActionType ActionType,
    AuditSource Source,
    DateTime Timestamp,
    AuditChanges Changes,
    JsonObject StateSnapshot,
    int? FromVersion,
    int? ToVersion,
    string? IpAddress,
    string? UserAgent)
{
    private const string TenantField = "tenant_id";

    public static HistoryEntryResponse From(AuditLogEntry e) => new(
        e.EntryId, e.Metadata.InvestigationId, e.Metadata.UserId, e.Metadata.ActionType, e.Metadata.Source, e.Timestamp,
        new AuditChanges
        {
            FieldsModified = e.Changes.FieldsModified.Where(f => f != TenantField).ToList(),
            Before = WithoutTenant(e.Changes.Before),
            After = WithoutTenant(e.Changes.After),
            Truncated = e.Changes.Truncated,
        },
        WithoutTenant(e.StateSnapshot), e.FromVersion, e.ToVersion, e.IpAddress, e.UserAgent);

    private static JsonObject WithoutTenant(JsonObject source)
    {
        var copy = source.DeepClone().AsObject();
        copy.Remove(TenantField);
        return copy;
    }
}

/// <summary>
/// One change of an investigation, from its audit entry: the version it produced (<c>from_version</c> for a delete),
/// when, by whom, and the fields it changed with their values before and after. The shape of <c>/changes</c> items
/// and of the event stream's data.
/// </summary>
public sealed record ChangeResponse(
    string EntryId,
    string InvestigationId,
    AuditActionType ActionType,
    int? Version,
    int? FromVersion,
    DateTime UpdatedAt,
    string UserId,
    AuditSource Source,
    IReadOnlyList<string> FieldsModified,
    JsonObject Before,
    JsonObject After)
{
    public static ChangeResponse From(AuditLogEntry e)
    {
        var entry = HistoryEntryResponse.From(e);
        return new(entry.EntryId, entry.InvestigationId, entry.ActionType, e.ToVersion, e.FromVersion, e.Timestamp,
            entry.UserId, entry.Source, entry.Changes.FieldsModified, entry.Changes.Before, entry.Changes.After);
    }
}

/// <param name="CurrentVersion">Null when the investigation has been deleted.</param>
/// <param name="Complete">False when more changes matched than one answer carries (then re-read <c>snapshot</c>).</param>
/// <param name="Snapshot">The current investigation, with <c>include_snapshot=true</c> (null when deleted).</param>
public sealed record ChangesResponse(
    string InvestigationId,
    int SinceVersion,
    int? CurrentVersion,
    bool HasChanges,
    IReadOnlyList<ChangeResponse> Changes,
    bool Complete,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] InvestigationResponse? Snapshot);

public sealed record VersionResponse(string InvestigationId, int Version, DateTime UpdatedAt, string Etag);
