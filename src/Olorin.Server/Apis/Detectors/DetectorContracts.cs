using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.Detectors;

/// <param name="DetectorId">1–255 characters; a UUID is generated when absent.</param>
/// <param name="Enabled">Defaults to true.</param>
public sealed record CreateDetectorRequest(
    string? DetectorId = null,
    string? Name = null,
    DetectorType? Type = null,
    JsonObject? CohortBy = null,
    JsonObject? Metrics = null,
    JsonObject? Params = null,
    bool? Enabled = null);

/// <summary>Absent members keep their stored value; a present nested object replaces the stored one.</summary>
public sealed record UpdateDetectorRequest(
    string? Name = null,
    JsonObject? CohortBy = null,
    JsonObject? Metrics = null,
    JsonObject? Params = null,
    bool? Enabled = null)
{
    [JsonIgnore]
    public bool IsEmpty => Name is null && CohortBy is null && Metrics is null && Params is null && Enabled is null;

    public DetectorPatch ToPatch() => new(Name, CohortBy, Metrics, Params, Enabled);
}

/// <summary>A detector as clients see it: every stored field except <c>tenant_id</c>.</summary>
public sealed record DetectorResponse(
    string DetectorId,
    string Name,
    DetectorType Type,
    JsonObject CohortBy,
    JsonObject Metrics,
    JsonObject Params,
    bool Enabled,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static DetectorResponse From(Detector d) =>
        new(d.DetectorId, d.Name, d.Type, d.CohortBy, d.Metrics, d.Params, d.Enabled, d.CreatedAt, d.UpdatedAt);
}

/// <summary>The list envelope, with the same camelCase paging keys as the investigation list.</summary>
public sealed record DetectorListResponse(
    [property: JsonPropertyName("detectors")] IReadOnlyList<DetectorResponse> Detectors,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static DetectorListResponse From(PagedResult<Detector> page) => new(
        page.Items.Select(DetectorResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
