using System.Text.Json.Nodes;

namespace Olorin.Server.Apis.Investigations;

/// <param name="InvestigationId">1–255 characters; a UUID is generated when absent.</param>
public sealed record CreateInvestigationRequest(
    string? InvestigationId = null,
    LifecycleStage? LifecycleStage = null,
    InvestigationStatus? Status = null,
    JsonObject? Settings = null,
    JsonObject? Progress = null,
    JsonObject? Results = null,
    JsonObject? Metadata = null);

/// <summary>Absent members keep their stored value.</summary>
/// <param name="Version">The version the client read; required unless an <c>If-Match</c> header names it.</param>
public sealed record UpdateInvestigationRequest(
    LifecycleStage? LifecycleStage = null,
    InvestigationStatus? Status = null,
    JsonObject? Settings = null,
    JsonObject? Progress = null,
    JsonObject? Results = null,
    JsonObject? Metadata = null,
    int? Version = null)
{
    public InvestigationPatch ToPatch() => new(LifecycleStage, Status, Settings, Progress, Results, Metadata);
}
