using System.Text.Json.Nodes;

namespace Olorin.Core.Models;

/// <summary>
/// The fields a client may change on an investigation. A null member leaves the stored value as it is;
/// applied the same way by every adapter.
/// </summary>
public sealed record InvestigationPatch(
    LifecycleStage? LifecycleStage = null,
    InvestigationStatus? Status = null,
    JsonObject? Settings = null,
    JsonObject? Progress = null,
    JsonObject? Results = null,
    JsonObject? Metadata = null)
{
    /// <summary>Applies the patch, bumps <c>version</c> and sets <c>updated_at</c>.</summary>
    public void ApplyTo(Investigation investigation, DateTime now)
    {
        if (LifecycleStage is { } stage) investigation.LifecycleStage = stage;
        if (Status is { } status) investigation.Status = status;
        if (Settings is not null) investigation.Settings = Settings;
        if (Progress is not null) investigation.Progress = Progress;
        if (Results is not null) investigation.Results = Results;
        if (Metadata is not null) investigation.Metadata = Metadata;
        investigation.Version += 1;
        investigation.UpdatedAt = now;
    }
}
