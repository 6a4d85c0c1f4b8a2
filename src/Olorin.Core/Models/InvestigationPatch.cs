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
    /// <summary>Whether the patch changes what the investigation's embedding is computed from (settings, results).</summary>
    public bool ChangesEmbeddedText => Settings is not null || Results is not null;

    /// <summary>
    /// Applies the patch, bumps <c>version</c> and sets <c>updated_at</c>. A change of settings or results empties the
    /// embedding: it no longer describes the investigation, and the embedding worker computes it again.
    /// </summary>
    public void ApplyTo(Investigation investigation, DateTime now)
    {
        if (LifecycleStage is { } stage) investigation.LifecycleStage = stage;
        if (Status is { } status) investigation.Status = status;
        if (Settings is not null) investigation.Settings = Settings;
        if (Progress is not null) investigation.Progress = Progress;
        if (Results is not null) investigation.Results = Results;
        if (Metadata is not null) investigation.Metadata = Metadata;
        if (ChangesEmbeddedText) investigation.Embedding = [];
        investigation.Version += 1;
        investigation.UpdatedAt = now;
    }
}
