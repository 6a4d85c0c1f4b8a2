using Olorin.Core.Transitions;

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

    /// <summary>
    /// updated_at = now; a name the owner already uses on another template → <c>Duplicate("name")</c>. Written only if
    /// <paramref name="guard"/> holds, as the condition of the write itself; otherwise its refusal (<c>NotFound</c>,
    /// <c>Forbidden</c>) and nothing is written.
    /// </summary>
    Task<Outcome<InvestigationTemplate>> UpdateAsync(string tenantId, string templateId, TemplateWriteGuard guard, TemplatePatch patch, CancellationToken cancellationToken = default);

    /// <summary>The update without an owner condition (tools, tests).</summary>
    Task<Outcome<InvestigationTemplate>> UpdateAsync(string tenantId, string templateId, TemplatePatch patch, CancellationToken cancellationToken = default)
        => UpdateAsync(tenantId, templateId, TemplateWriteGuard.Any, patch, cancellationToken);

    /// <summary>Atomically increments usage_count and sets last_used.</summary>
    Task<Outcome<InvestigationTemplate>> RecordUsageAsync(string tenantId, string templateId, DateTime usedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the template only if <paramref name="guard"/> holds, as the condition of the delete itself; returns the
    /// deleted template, or the guard's refusal (<c>NotFound</c>, <c>Forbidden</c>) and nothing is deleted.
    /// </summary>
    Task<Outcome<InvestigationTemplate>> DeleteAsync(string tenantId, string templateId, TemplateWriteGuard guard, CancellationToken cancellationToken = default);

    /// <summary>The delete without an owner condition (tools, tests); false when there was nothing to delete.</summary>
    async Task<bool> DeleteAsync(string tenantId, string templateId, CancellationToken cancellationToken = default)
        => (await DeleteAsync(tenantId, templateId, TemplateWriteGuard.Any, cancellationToken)).IsOk;
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
