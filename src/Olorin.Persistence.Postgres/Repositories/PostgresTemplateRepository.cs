using System.Linq.Expressions;
using Olorin.Persistence.Postgres.Counting;
using Olorin.Core.Transitions;

namespace Olorin.Persistence.Postgres.Repositories;

public sealed class PostgresTemplateRepository(OlorinDbContext db, TimeProvider clock) : PostgresTenantTransfer<InvestigationTemplate>(db, x => x.TenantId, x => x.TemplateId), ITemplateRepository
{
    /// <summary>The unique (tenant_id, user_id, name) index: one name per owner.</summary>
    private const string OwnerNameIndex = "ix_investigation_templates_tenant_id_user_id_name";

    public async Task<Outcome<InvestigationTemplate>> CreateAsync(InvestigationTemplate template, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        template.CreatedAt = now;
        template.UpdatedAt = now;
        template.UsageCount = 0;
        template.LastUsed = UtcTime.Normalize(template.LastUsed);

        Db.Templates.Add(template);
        return await SaveAsync(template, cancellationToken);
    }

    public Task<InvestigationTemplate?> GetAsync(string tenantId, string templateId, CancellationToken cancellationToken = default)
        => Db.Templates.AsNoTracking().FirstOrDefaultAsync(ById(tenantId, templateId), cancellationToken);

    public async Task<PagedResult<InvestigationTemplate>> ListAsync(string tenantId, TemplateQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var templates = Db.Templates.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.UserId is { } userId) templates = templates.Where(x => x.UserId == userId);
        if (query.Tag is { } tag) templates = templates.Where(x => x.Tags.Contains(tag));

        // The total from row_counts unless a tag filters.
        var total = query.Tag is null
            ? await RowCounts.ReadAsync(Db, RowCountKey.ForFilter("investigation_templates", tenantId, [("user_id", query.UserId)])!, cancellationToken)
            : await templates.LongCountAsync(cancellationToken);
        List<InvestigationTemplate> items = total <= page.Skip ? [] : await templates
            .OrderByDescending(x => x.UsageCount)
            .ThenBy(x => EF.Functions.Collate(x.Name, "C")) // ordinal, as on every backend
            .ThenBy(x => x.TemplateId)
            .Skip(page.Skip).Take(page.PageSize)
            .ToListAsync(cancellationToken);
        return new PagedResult<InvestigationTemplate>(items, total, page.Page, page.PageSize);
    }

    /// <summary>
    /// One <c>UPDATE … WHERE tenant, id[, user_id = owner]</c> of the patched columns only (a concurrent
    /// RecordUsageAsync is never undone); the row is read afterwards for the answer, or to say why nothing matched.
    /// </summary>
    public async Task<Outcome<InvestigationTemplate>> UpdateAsync(string tenantId, string templateId, TemplateWriteGuard guard, TemplatePatch patch, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        int updated;
        try
        {
            updated = await Guarded(tenantId, templateId, guard).ExecuteUpdateAsync(set =>
            {
                if (patch.Name is { } name) set.SetProperty(x => x.Name, name);
                if (patch.Description is { } description) set.SetProperty(x => x.Description, description);
                if (patch.Tags is { } tags) set.SetProperty(x => x.Tags, tags);
                if (patch.Template is { } body) set.SetProperty(x => x.Template, body);
                set.SetProperty(x => x.UpdatedAt, now);
            }, cancellationToken);
        }
        catch (Exception ex) when (PostgresErrors.IsUniqueViolation(ex, out _))
        {
            return Outcome.Duplicate<InvestigationTemplate>("name"); // the id is the key: only the owner/name index can clash
        }
        var stored = await GetAsync(tenantId, templateId, cancellationToken);
        return updated > 0 && stored is not null ? Outcome.Ok(stored) : guard.Explain(stored);
    }

    public async Task<Outcome<InvestigationTemplate>> RecordUsageAsync(string tenantId, string templateId, DateTime usedAt, CancellationToken cancellationToken = default)
    {
        var lastUsed = UtcTime.Normalize(usedAt);
        var updated = await Db.Templates.Where(ById(tenantId, templateId)).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.UsageCount, x => x.UsageCount + 1)
            .SetProperty(x => x.LastUsed, lastUsed), cancellationToken);
        return updated > 0 && await GetAsync(tenantId, templateId, cancellationToken) is { } template
            ? Outcome.Ok(template)
            : Outcome.NotFound<InvestigationTemplate>();
    }

    /// <summary>One <c>DELETE … WHERE tenant, id[, user_id = owner] RETURNING *</c>; the row is read only when nothing matched, to say why.</summary>
    public async Task<Outcome<InvestigationTemplate>> DeleteAsync(string tenantId, string templateId, TemplateWriteGuard guard, CancellationToken cancellationToken = default)
    {
        var deleted = await Db.Templates
            .FromSql($"DELETE FROM investigation_templates WHERE tenant_id = {tenantId} AND template_id = {templateId} AND ({guard.Owner}::text IS NULL OR user_id = {guard.Owner}) RETURNING *")
            .AsNoTracking().ToListAsync(cancellationToken);
        return deleted is [var template]
            ? Outcome.Ok(template)
            : guard.Explain(await GetAsync(tenantId, templateId, cancellationToken));
    }

    /// <summary>Saves the added template; a taken owner/name is <c>Duplicate("name")</c>, a taken id <c>Duplicate("template_id")</c>.</summary>
    private async Task<Outcome<InvestigationTemplate>> SaveAsync(InvestigationTemplate template, CancellationToken cancellationToken)
    {
        try
        {
            await Db.SaveChangesAsync(cancellationToken);
            return Outcome.Ok(template);
        }
        catch (DbUpdateException ex) when (PostgresErrors.IsUniqueViolation(ex, out var constraint))
        {
            return Outcome.Duplicate<InvestigationTemplate>(constraint == OwnerNameIndex ? "name" : "template_id");
        }
        finally
        {
            Db.ChangeTracker.Clear();
        }
    }

    /// <summary>The template, if <paramref name="guard"/>'s owner (when any) owns it.</summary>
    private IQueryable<InvestigationTemplate> Guarded(string tenantId, string templateId, TemplateWriteGuard guard)
        => guard.Owner is { } owner
            ? Db.Templates.Where(ById(tenantId, templateId)).Where(x => x.UserId == owner)
            : Db.Templates.Where(ById(tenantId, templateId));

    private static Expression<Func<InvestigationTemplate, bool>> ById(string tenantId, string templateId)
        => x => x.TenantId == tenantId && x.TemplateId == templateId;
}
