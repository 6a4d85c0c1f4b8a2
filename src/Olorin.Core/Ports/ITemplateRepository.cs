using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;

namespace Olorin.Core.Ports;

public interface ITemplateRepository : IBulkTransferPort<InvestigationTemplate, TenantKey>
{
    /// <summary>
    /// created_at = updated_at = now, usage_count 0. Duplicate id → <c>Duplicate("template_id")</c>; a name the
    /// same user already uses → <c>Duplicate("name")</c>.
    /// </summary>
    Task<Outcome<InvestigationTemplate>> CreateAsync(InvestigationTemplate template, CancellationToken cancellationToken = default);

    Task<InvestigationTemplate?> GetAsync(string tenantId, string templateId, CancellationToken cancellationToken = default);

    /// <summary>Most used first (then name, then template_id).</summary>
    Task<PagedResult<InvestigationTemplate>> ListAsync(string tenantId, TemplateQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>updated_at = now; a name the owner already uses on another template → <c>Duplicate("name")</c>.</summary>
    Task<Outcome<InvestigationTemplate>> UpdateAsync(string tenantId, string templateId, TemplatePatch patch, CancellationToken cancellationToken = default);

    /// <summary>Atomically increments usage_count and sets last_used.</summary>
    Task<Outcome<InvestigationTemplate>> RecordUsageAsync(string tenantId, string templateId, DateTime usedAt, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string tenantId, string templateId, CancellationToken cancellationToken = default);
}

public sealed record TemplateQuery(string? UserId = null, string? Tag = null);

public sealed record TemplatePatch(string? Name = null, string? Description = null, List<string>? Tags = null, TemplateBody? Template = null)
{
    public void ApplyTo(InvestigationTemplate template, DateTime now)
    {
        if (Name is not null) template.Name = Name;
        if (Description is not null) template.Description = Description;
        if (Tags is not null) template.Tags = Tags;
        if (Template is not null) template.Template = Template;
        template.UpdatedAt = now;
    }
}
