using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>Detector configurations in <c>detectors</c>.</summary>
internal sealed class PostgresDetectorRepository(OlorinDbContext db, TimeProvider clock) : PostgresTenantTransfer<Detector>(db, x => x.TenantId, x => x.DetectorId), IDetectorRepository
{
    public async Task<Outcome<Detector>> CreateAsync(Detector detector, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        detector.CreatedAt = now;
        detector.UpdatedAt = now;
        Db.Detectors.Add(detector);
        return await Db.SaveInsertAsync(detector, "detector_id", cancellationToken);
    }

    public Task<Detector?> GetAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default)
        => Scoped(tenantId, detectorId).AsNoTracking().FirstOrDefaultAsync(cancellationToken);

    public async Task<PagedResult<Detector>> ListAsync(string tenantId, DetectorQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var matching = Db.Detectors.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.Type is { } type) matching = matching.Where(x => x.Type == type);
        if (query.Enabled is { } enabled) matching = matching.Where(x => x.Enabled == enabled);

        var counted = RowCountKey.ForFilter("detectors", tenantId, [
            ("type", query.Type is { } t ? WireEnum.ToWire(t) : null), ("enabled", query.Enabled is { } e ? (e ? "true" : "false") : null)]);
        return await matching.ToPageAsync(q => q.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.DetectorId), page, Db, counted, cancellationToken);
    }

    public async Task<Outcome<Detector>> UpdateAsync(string tenantId, string detectorId, DetectorPatch patch, CancellationToken cancellationToken = default)
    {
        try
        {
            var stored = await Scoped(tenantId, detectorId).FirstOrDefaultAsync(cancellationToken);
            if (stored is null) return Outcome.NotFound<Detector>();
            patch.ApplyTo(stored, UtcTime.Now(clock));
            await Db.SaveChangesAsync(cancellationToken);
            return Outcome.Ok(stored);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome.NotFound<Detector>(); // deleted between the read and the write
        }
        finally
        {
            Db.ChangeTracker.Clear();
        }
    }

    public async Task<bool> DeleteAsync(string tenantId, string detectorId, CancellationToken cancellationToken = default)
        => await Scoped(tenantId, detectorId).ExecuteDeleteAsync(cancellationToken) > 0;

    private IQueryable<Detector> Scoped(string tenantId, string detectorId)
        => Db.Detectors.Where(x => x.TenantId == tenantId && x.DetectorId == detectorId);
}
