using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Olorin.Persistence.Postgres.Counting;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;

namespace Olorin.Persistence.Postgres.Repositories;

public sealed class PostgresTemplateRepository(OlorinDbContext db, TimeProvider clock) : ITemplateRepository
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

        db.Templates.Add(template);
        return await SaveAsync(template, cancellationToken);
    }

    public Task<InvestigationTemplate?> GetAsync(string tenantId, string templateId, CancellationToken cancellationToken = default)
        => db.Templates.AsNoTracking().FirstOrDefaultAsync(ById(tenantId, templateId), cancellationToken);

    public async Task<PagedResult<InvestigationTemplate>> ListAsync(string tenantId, TemplateQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var templates = db.Templates.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.UserId is { } userId) templates = templates.Where(x => x.UserId == userId);
        if (query.Tag is { } tag) templates = templates.Where(x => x.Tags.Contains(tag));

        // The total from row_counts unless a tag filters.
        var total = query.Tag is null
            ? await RowCounts.ReadAsync(db, RowCountKey.ForFilter("investigation_templates", tenantId, [("user_id", query.UserId)])!, cancellationToken)
            : await templates.LongCountAsync(cancellationToken);
        List<InvestigationTemplate> items = total <= page.Skip ? [] : await templates
            .OrderByDescending(x => x.UsageCount)
            .ThenBy(x => EF.Functions.Collate(x.Name, "C")) // ordinal, as on every backend
            .ThenBy(x => x.TemplateId)
            .Skip(page.Skip).Take(page.PageSize)
            .ToListAsync(cancellationToken);
        return new PagedResult<InvestigationTemplate>(items, total, page.Page, page.PageSize);
    }

    public async Task<Outcome<InvestigationTemplate>> UpdateAsync(string tenantId, string templateId, TemplatePatch patch, CancellationToken cancellationToken = default)
    {
        var template = await db.Templates.FirstOrDefaultAsync(ById(tenantId, templateId), cancellationToken);
        if (template is null) return Outcome.NotFound<InvestigationTemplate>();

        // Only the patched columns are written, so a concurrent RecordUsageAsync is never undone.
        patch.ApplyTo(template, UtcTime.Now(clock));
        return await SaveAsync(template, cancellationToken);
    }

    public async Task<Outcome<InvestigationTemplate>> RecordUsageAsync(string tenantId, string templateId, DateTime usedAt, CancellationToken cancellationToken = default)
    {
        var lastUsed = UtcTime.Normalize(usedAt);
        var updated = await db.Templates.Where(ById(tenantId, templateId)).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.UsageCount, x => x.UsageCount + 1)
            .SetProperty(x => x.LastUsed, lastUsed), cancellationToken);
        return updated > 0 && await GetAsync(tenantId, templateId, cancellationToken) is { } template
            ? Outcome.Ok(template)
            : Outcome.NotFound<InvestigationTemplate>();
    }

    public async Task<bool> DeleteAsync(string tenantId, string templateId, CancellationToken cancellationToken = default)
        => await db.Templates.Where(ById(tenantId, templateId)).ExecuteDeleteAsync(cancellationToken) > 0;

    public TenantKey KeyOf(InvestigationTemplate document) => new(document.TenantId, document.TemplateId);

    public IAsyncEnumerable<InvestigationTemplate> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.ExportAsync(db, (InvestigationTemplate x) => x.TenantId, x => x.TemplateId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => db.Templates.LongCountAsync(cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<InvestigationTemplate> documents, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.UpsertAsync(db, documents, x => x.TenantId, x => x.TemplateId, cancellationToken);

    /// <summary>Saves the tracked changes; a taken owner/name is <c>Duplicate("name")</c>, a taken id <c>Duplicate("template_id")</c>.</summary>
    private async Task<Outcome<InvestigationTemplate>> SaveAsync(InvestigationTemplate template, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Outcome.Ok(template);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome.NotFound<InvestigationTemplate>(); // deleted between the read and the write
        }
        catch (DbUpdateException ex) when (PostgresErrors.IsUniqueViolation(ex, out var constraint))
        {
            return Outcome.Duplicate<InvestigationTemplate>(constraint == OwnerNameIndex ? "name" : "template_id");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static Expression<Func<InvestigationTemplate, bool>> ById(string tenantId, string templateId)
        => x => x.TenantId == tenantId && x.TemplateId == templateId;
}
