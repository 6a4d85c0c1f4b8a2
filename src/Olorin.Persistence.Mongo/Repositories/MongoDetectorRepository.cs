using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

internal sealed class MongoDetectorRepository(MongoContext context, CapturedWrites capture, TimeProvider clock)
    : MongoTenantTransfer<Detector>(context.Detectors, capture, d => d.TenantId, d => d.DetectorId), IDetectorRepository
{
    private IMongoCollection<Detector> Detectors => Collection;

    public Task<Outcome<Detector>> CreateAsync(Detector detector, CancellationToken cancellationToken = default)
    {
        detector.CreatedAt = detector.UpdatedAt = UtcTime.Now(clock);
        return Capture.RunAsync(CaptureKeys.Detector(detector.TenantId, detector.DetectorId),
            () => MongoErrors.InsertAsync(Detectors, detector, "detector_id", cancellationToken), cancellationToken);
    }

    public async Task<Detector?> GetAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default)
        => await Detectors.Find(DetectorFilters.ById(tenantId, detectorId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<Detector>> ListAsync(string tenantId, DetectorQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Detectors, DetectorFilters.List(tenantId, query), DetectorFilters.ListSort, page, cancellationToken);

    public Task<Outcome<Detector>> UpdateAsync(string tenantId, string detectorId, DetectorPatch patch, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Detector(tenantId, detectorId), async () =>
    {
        var updated = await Detectors.FindOneAndUpdateAsync(
            DetectorFilters.ById(tenantId, detectorId),
            DetectorFilters.Patch(patch, UtcTime.Now(clock)),
            new FindOneAndUpdateOptions<Detector> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return updated is null ? Outcome.NotFound<Detector>() : Outcome.Ok(updated);
    }, cancellationToken);

    public Task<bool> DeleteAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Detector(tenantId, detectorId),
            async () => (await Detectors.DeleteOneAsync(DetectorFilters.ById(tenantId, detectorId), cancellationToken)).DeletedCount == 1, cancellationToken);
}
