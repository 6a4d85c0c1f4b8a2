using Olorin.Core.Transitions;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoTemplateRepository"/>, tenant first.</summary>
public static class TemplateFilters
{
    private static FilterDefinitionBuilder<InvestigationTemplate> Filter => Builders<InvestigationTemplate>.Filter;
    private static UpdateDefinitionBuilder<InvestigationTemplate> Update => Builders<InvestigationTemplate>.Update;

    public static FilterDefinition<InvestigationTemplate> ById(string tenantId, string templateId)
        => Filter.Eq(t => t.TenantId, tenantId) & Filter.Eq(t => t.TemplateId, templateId);

    /// <summary>The template, if the guard's owner (when any) owns it: the filter of a guarded update or delete.</summary>
    public static FilterDefinition<InvestigationTemplate> Guarded(string tenantId, string templateId, TemplateWriteGuard guard)
        => guard.Owner is { } owner ? ById(tenantId, templateId) & Filter.Eq(t => t.UserId, owner) : ById(tenantId, templateId);

    /// <summary>A template with this id in the tenant (ids are unique per tenant): tells which unique key a duplicate hit.</summary>
    public static FilterDefinition<InvestigationTemplate> IdTaken(string tenantId, string templateId) => ById(tenantId, templateId);

    public static FilterDefinition<InvestigationTemplate> List(string tenantId, TemplateQuery query)
    {
        var filter = Filter.Eq(t => t.TenantId, tenantId);
        if (query.UserId is not null) filter &= Filter.Eq(t => t.UserId, query.UserId);
        if (query.Tag is not null) filter &= Filter.AnyEq(t => t.Tags, query.Tag);
        return filter;
    }

    /// <summary>Most used first, then name, then template_id.</summary>
    public static SortDefinition<InvestigationTemplate> ListSort { get; } =
        Builders<InvestigationTemplate>.Sort.Descending(t => t.UsageCount).Ascending(t => t.Name).Ascending(t => t.TemplateId);

    public static UpdateDefinition<InvestigationTemplate> Patch(TemplatePatch patch, DateTime now)
    {
        var sets = new List<UpdateDefinition<InvestigationTemplate>>();
        if (patch.Name is not null) sets.Add(Update.Set(t => t.Name, patch.Name));
        if (patch.Description is not null) sets.Add(Update.Set(t => t.Description, patch.Description));
        if (patch.Tags is not null) sets.Add(Update.Set(t => t.Tags, patch.Tags));
        if (patch.Template is not null) sets.Add(Update.Set(t => t.Template, patch.Template));
        sets.Add(Update.Set(t => t.UpdatedAt, now));
        return Update.Combine(sets);
    }

    public static UpdateDefinition<InvestigationTemplate> RecordUsage(DateTime usedAt)
        => Update.Inc(t => t.UsageCount, 1L).Set(t => t.LastUsed, usedAt);
}
