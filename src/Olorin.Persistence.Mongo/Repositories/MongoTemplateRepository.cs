using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>Templates. Two unique indexes: template_id, and (user_id, name).</summary>
internal sealed class MongoTemplateRepository(MongoContext context, CapturedWrites capture, TimeProvider clock)
    : MongoTenantTransfer<InvestigationTemplate>(context.Templates, capture, t => t.TenantId, t => t.TemplateId), ITemplateRepository
{
    private static readonly FindOneAndUpdateOptions<InvestigationTemplate> ReturnAfter = new() { ReturnDocument = ReturnDocument.After };

    private IMongoCollection<InvestigationTemplate> Templates => Collection;

    public Task<Outcome<InvestigationTemplate>> CreateAsync(InvestigationTemplate template, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Template(template.TenantId, template.TemplateId), () => CreateUncapturedAsync(template, cancellationToken), cancellationToken);

    private async Task<Outcome<InvestigationTemplate>> CreateUncapturedAsync(InvestigationTemplate template, CancellationToken cancellationToken)
    {
        template.CreatedAt = template.UpdatedAt = UtcTime.Now(clock);
        template.UsageCount = 0;
        template.LastUsed = UtcTime.Normalize(template.LastUsed);
        try
        {
            await Templates.InsertOneAsync(template, cancellationToken: cancellationToken);
            return Outcome.Ok(template);
        }
        catch (Exception e) when (MongoErrors.IsDuplicateKey(e))
        {
            // The error names the index, but index names are a deployment detail: ask which key is taken instead.
            var idTaken = await Templates.Find(TemplateFilters.IdTaken(template.TenantId, template.TemplateId)).AnyAsync(cancellationToken);
            return Outcome.Duplicate<InvestigationTemplate>(idTaken ? "template_id" : "name");
        }
    }

    public async Task<InvestigationTemplate?> GetAsync(string tenantId, string templateId, CancellationToken cancellationToken = default)
        => await Templates.Find(TemplateFilters.ById(tenantId, templateId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<InvestigationTemplate>> ListAsync(string tenantId, TemplateQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Templates, TemplateFilters.List(tenantId, query), TemplateFilters.ListSort, page, cancellationToken);

    /// <summary>One findOneAndUpdate filtered on the guard's owner; the template is read only when nothing matched, to say why.</summary>
    public Task<Outcome<InvestigationTemplate>> UpdateAsync(string tenantId, string templateId, TemplateWriteGuard guard, TemplatePatch patch, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Template(tenantId, templateId), async () =>
    {
        try
        {
            var updated = await Templates.FindOneAndUpdateAsync(
                TemplateFilters.Guarded(tenantId, templateId, guard), TemplateFilters.Patch(patch, UtcTime.Now(clock)), ReturnAfter, cancellationToken);
            return updated is null ? guard.Explain(await GetAsync(tenantId, templateId, cancellationToken)) : Outcome.Ok(updated);
        }
        catch (Exception e) when (MongoErrors.IsDuplicateKey(e))
        {
            return Outcome.Duplicate<InvestigationTemplate>("name");
        }
    }, cancellationToken);

    public Task<Outcome<InvestigationTemplate>> RecordUsageAsync(string tenantId, string templateId, DateTime usedAt, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Template(tenantId, templateId), async () =>
    {
        var updated = await Templates.FindOneAndUpdateAsync(
            TemplateFilters.ById(tenantId, templateId), TemplateFilters.RecordUsage(UtcTime.Normalize(usedAt)), ReturnAfter, cancellationToken);
        return updated is null ? Outcome.NotFound<InvestigationTemplate>() : Outcome.Ok(updated);
    }, cancellationToken);

    /// <summary>One findOneAndDelete filtered on the guard's owner; the template is read only when nothing matched, to say why.</summary>
    public Task<Outcome<InvestigationTemplate>> DeleteAsync(string tenantId, string templateId, TemplateWriteGuard guard, CancellationToken cancellationToken = default)
        => Capture.RunAsync(CaptureKeys.Template(tenantId, templateId), async () =>
            await Templates.FindOneAndDeleteAsync(TemplateFilters.Guarded(tenantId, templateId, guard), cancellationToken: cancellationToken) is { } deleted
                ? Outcome.Ok(deleted)
                : guard.Explain(await GetAsync(tenantId, templateId, cancellationToken)), cancellationToken);
}
