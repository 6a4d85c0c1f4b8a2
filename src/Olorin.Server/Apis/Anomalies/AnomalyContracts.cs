using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.Anomalies;

/// <param name="AnomalyId">1–255 characters; a UUID is generated when absent.</param>
/// <param name="InvestigationId">When given, an investigation of the caller's tenant.</param>
/// <param name="Score">≥ 0.</param>
/// <param name="Embedding">Empty, or exactly EMBEDDING_DIMENSION (384) finite numbers.</param>
public sealed record CreateAnomalyRequest(
    string? AnomalyId = null,
    string? RunId = null,
    string? DetectorId = null,
    string? InvestigationId = null,
    JsonObject? Cohort = null,
    JsonObject? Evidence = null,
    AnomalyWindow? Window = null,
    string? Metric = null,
    double? Observed = null,
    double? Expected = null,
    double? Score = null,
    AnomalySeverity? Severity = null,
    AnomalyStatus? Status = null,
    int? PersistedN = null,
    DateTime? FirstSeen = null,
    DateTime? LastSeen = null,
    float[]? Embedding = null)
{
    /// <summary>The content rules of a new anomaly, field names as sent (snake_case).</summary>
    public ValidationErrors Validate(int embeddingDimension)
    {
        var errors = AnomalyRules.ValidateCreate(
            AnomalyId, RunId, DetectorId, InvestigationId, Window, Metric, Observed, Expected, Score, Severity, PersistedN, Embedding,
            embeddingDimension);
        ResourceIds.RequireAddressable(errors, "anomaly_id", AnomalyId);
        return errors;
    }

    /// <summary>The anomaly to store; call only once <see cref="Validate"/> found nothing.</summary>
    public AnomalyEvent ToAnomaly(string tenantId, DateTime now) => new()
    {
        AnomalyId = AnomalyId ?? Guid.NewGuid().ToString(),
        RunId = RunId!,
        DetectorId = DetectorId!,
        TenantId = tenantId,
        InvestigationId = InvestigationId,
        Cohort = Cohort ?? [],
        Evidence = Evidence ?? [],
        Window = new AnomalyWindow
        {
            Start = UtcTime.Normalize(Window!.Start),
            End = UtcTime.Normalize(Window.End),
            DurationMinutes = Window.DurationMinutes,
            UnknownMembers = Window.UnknownMembers,
        },
        Metric = Metric!,
        Observed = Observed!.Value,
        Expected = Expected!.Value,
        Score = Score!.Value,
        Severity = Severity!.Value,
        Status = Status ?? AnomalyStatus.New,
        PersistedN = PersistedN ?? 1,
        FirstSeen = UtcTime.Normalize(FirstSeen),
        LastSeen = UtcTime.Normalize(LastSeen),
        Embedding = Embedding ?? [],
        CreatedAt = now,
    };
}

/// <summary>Up to 1,000 anomalies; each needs its anomaly_id (what makes a retry idempotent).</summary>
public sealed record BulkCreateAnomaliesRequest(List<CreateAnomalyRequest?>? Anomalies);

/// <param name="Inserted">Anomalies this request added.</param>
/// <param name="AlreadyStored">Anomalies of the request whose anomaly_id was already stored; left as they were.</param>
public sealed record BulkCreateAnomaliesResponse(int Inserted, int AlreadyStored);

/// <summary>Status moves forward only: new → triaged → closed (or new → closed).</summary>
public sealed record UpdateAnomalyRequest(AnomalyStatus? Status = null);

public sealed record LinkInvestigationRequest(string? InvestigationId = null);

/// <summary>
/// An anomaly as clients see it: every stored field except <c>tenant_id</c>. The embedding (384 numbers) is
/// included only when asked for with <c>include_embedding=true</c>; <c>has_embedding</c> always says whether there is one.
/// </summary>
public record AnomalyResponse(
    string AnomalyId,
    string RunId,
    string DetectorId,
    string? InvestigationId,
    JsonObject Cohort,
    JsonObject Evidence,
    AnomalyWindow Window,
    string Metric,
    double Observed,
    double Expected,
    double Score,
    AnomalySeverity Severity,
    AnomalyStatus Status,
    int PersistedN,
    DateTime? FirstSeen,
    DateTime? LastSeen,
    DateTime CreatedAt,
    bool HasEmbedding,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Embedding)
{
    public static AnomalyResponse From(AnomalyEvent a, bool includeEmbedding) => new(
        a.AnomalyId, a.RunId, a.DetectorId, a.InvestigationId, a.Cohort, a.Evidence, a.Window, a.Metric, a.Observed, a.Expected,
        a.Score, a.Severity, a.Status, a.PersistedN, a.FirstSeen, a.LastSeen, a.CreatedAt,
        a.HasEmbedding, includeEmbedding && a.Embedding.Length > 0 ? a.Embedding : null);
}

/// <summary>The list envelope, with the same camelCase paging keys as the investigation list.</summary>
public sealed record AnomalyListResponse(
    [property: JsonPropertyName("anomalies")] IReadOnlyList<AnomalyResponse> Anomalies,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static AnomalyListResponse From(PagedResult<AnomalyEvent> page, bool includeEmbedding) => new(
        page.Items.Select(a => AnomalyResponse.From(a, includeEmbedding)).ToList(),
        page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
