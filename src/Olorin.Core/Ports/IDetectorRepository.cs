namespace Olorin.Core.Ports;

public interface IDetectorRepository : IBulkTransferPort<Detector, TenantKey>
{
    /// <summary>created_at = updated_at = now. Duplicate id → <c>Duplicate("detector_id")</c>.</summary>
    Task<Outcome<Detector>> CreateAsync(Detector detector, CancellationToken cancellationToken = default);

    Task<Detector?> GetAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default);

    /// <summary>Newest created_at first (then detector_id).</summary>
    Task<PagedResult<Detector>> ListAsync(string tenantId, DetectorQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Applies the non-null members of <paramref name="patch"/>; updated_at = now.</summary>
    Task<Outcome<Detector>> UpdateAsync(string tenantId, string detectorId, DetectorPatch patch, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default);
}

public sealed record DetectorQuery(DetectorType? Type = null, bool? Enabled = null);

public sealed record DetectorPatch(
    string? Name = null,
    JsonObject? CohortBy = null,
    JsonObject? Metrics = null,
    JsonObject? Params = null,
    bool? Enabled = null)
{
    public void ApplyTo(Detector detector, DateTime now)
    {
        if (Name is not null) detector.Name = Name;
        if (CohortBy is not null) detector.CohortBy = CohortBy;
        if (Metrics is not null) detector.Metrics = Metrics;
        if (Params is not null) detector.Params = Params;
        if (Enabled is { } enabled) detector.Enabled = enabled;
        detector.UpdatedAt = now;
    }
}
