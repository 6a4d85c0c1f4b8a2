namespace Olorin.Persistence.Mongo.Repositories;

internal sealed class MongoDetectorRepository(MongoContext context, TimeProvider clock)
    : MongoTenantTransfer<Detector>(context.Detectors, d => d.TenantId, d => d.DetectorId), IDetectorRepository
{
    private IMongoCollection<Detector> Detectors => Collection;

    public async Task<Outcome<Detector>> CreateAsync(Detector detector, CancellationToken cancellationToken = default)
    {
        detector.CreatedAt = detector.UpdatedAt = UtcTime.Now(clock);
        return await MongoErrors.InsertAsync(Detectors, detector, "detector_id", cancellationToken);
    }

    public async Task<Detector?> GetAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default)
        => await Detectors.Find(DetectorFilters.ById(tenantId, detectorId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<Detector>> ListAsync(string tenantId, DetectorQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Detectors, DetectorFilters.List(tenantId, query), DetectorFilters.ListSort, page, cancellationToken);

    public async Task<Outcome<Detector>> UpdateAsync(string tenantId, string detectorId, DetectorPatch patch, CancellationToken cancellationToken = default)
    {
        var updated = await Detectors.FindOneAndUpdateAsync(
            DetectorFilters.ById(tenantId, detectorId),
            DetectorFilters.Patch(patch, UtcTime.Now(clock)),
            new FindOneAndUpdateOptions<Detector> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return updated is null ? Outcome.NotFound<Detector>() : Outcome.Ok(updated);
    }

    public async Task<bool> DeleteAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default)
        => (await Detectors.DeleteOneAsync(DetectorFilters.ById(tenantId, detectorId), cancellationToken)).DeletedCount == 1;
}
