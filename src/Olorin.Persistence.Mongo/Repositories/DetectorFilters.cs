namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoDetectorRepository"/>, tenant first.</summary>
public static class DetectorFilters
{
    private static FilterDefinitionBuilder<Detector> Filter => Builders<Detector>.Filter;

    public static FilterDefinition<Detector> ById(string tenantId, string detectorId)
        => Filter.Eq(d => d.TenantId, tenantId) & Filter.Eq(d => d.DetectorId, detectorId);

    public static FilterDefinition<Detector> List(string tenantId, DetectorQuery query)
    {
        var filter = Filter.Eq(d => d.TenantId, tenantId);
        if (query.Type is { } type) filter &= Filter.Eq(d => d.Type, type);
        if (query.Enabled is { } enabled) filter &= Filter.Eq(d => d.Enabled, enabled);
        return filter;
    }

    /// <summary>Newest created_at first, then detector_id.</summary>
    public static SortDefinition<Detector> ListSort { get; } =
        Builders<Detector>.Sort.Descending(d => d.CreatedAt).Ascending(d => d.DetectorId);

    /// <summary><c>$set</c> of the patched members and updated_at.</summary>
    public static UpdateDefinition<Detector> Patch(DetectorPatch patch, DateTime now)
    {
        var update = Builders<Detector>.Update;
        var sets = new List<UpdateDefinition<Detector>>();
        if (patch.Name is not null) sets.Add(update.Set(d => d.Name, patch.Name));
        if (patch.CohortBy is not null) sets.Add(update.Set(d => d.CohortBy, patch.CohortBy));
        if (patch.Metrics is not null) sets.Add(update.Set(d => d.Metrics, patch.Metrics));
        if (patch.Params is not null) sets.Add(update.Set(d => d.Params, patch.Params));
        if (patch.Enabled is { } enabled) sets.Add(update.Set(d => d.Enabled, enabled));
        sets.Add(update.Set(d => d.UpdatedAt, now));
        return update.Combine(sets);
    }
}
