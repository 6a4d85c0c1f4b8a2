using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Olorin.Core.Auditing;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Mongo.Bootstrap;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Investigations, each create/update/delete followed by its <c>audit_log</c> entry.
/// <para>
/// No multi-document transaction here, even on a replica set: <c>audit_log</c> is a time series (Decision 2), and
/// MongoDB cannot write to a time-series collection inside a transaction (any version). So the investigation is
/// written first (a single-document write, atomic on its own) and the audit entry right after; if appending the
/// entry fails, the investigation write is undone (guarded on the version it produced, so a later writer's change
/// is never reverted) and the failure is rethrown. What remains possible is a crash of this process between the
/// two writes, which leaves a change without its entry; /status/mongodb reports this limitation.
/// </para>
/// </summary>
internal sealed class MongoInvestigationRepository(MongoContext context, MongoCapabilities capabilities, TimeProvider clock) : IInvestigationRepository
{
    private IMongoCollection<Investigation> Investigations => context.Investigations;

    public async Task<Outcome<Investigation>> CreateAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        investigation.Version = 1;
        investigation.CreatedAt = investigation.UpdatedAt = now;
        investigation.LastAccessed = UtcTime.Normalize(investigation.LastAccessed);
        try
        {
            await Investigations.InsertOneAsync(investigation, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (MongoErrors.IsDuplicateKey(e))
        {
            return Outcome.Duplicate<Investigation>("investigation_id");
        }

        await AppendOrUndoAsync(AuditEntries.ForCreate(investigation, audit, now),
            () => Investigations.DeleteOneAsync(
                InvestigationFilters.AtVersion(investigation.TenantId, investigation.InvestigationId, investigation.Version)),
            cancellationToken);
        return Outcome.Ok(investigation);
    }

    public async Task<Investigation?> GetAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => await Investigations.Find(InvestigationFilters.ById(tenantId, investigationId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<Investigation>> ListAsync(string tenantId, InvestigationQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Investigations, InvestigationFilters.List(tenantId, query), InvestigationFilters.ListSort, page, cancellationToken);

    /// <summary>
    /// One <c>findOneAndUpdate</c> guarded on the expected version, returning the document as it was just before
    /// the change: that exact before image, with the patch applied by <see cref="InvestigationPatch.ApplyTo"/> (the
    /// same fields, version + 1 and updated_at as the update), is the stored after image, so the audit entry is
    /// consistent even when a progress update (which does not bump version) slipped in since the caller's read.
    /// </summary>
    public async Task<Outcome<Investigation>> UpdateAsync(
        string tenantId, string investigationId, int expectedVersion, InvestigationPatch patch, AuditContext audit,
        CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        var before = await Investigations.FindOneAndUpdateAsync(
            InvestigationFilters.AtVersion(tenantId, investigationId, expectedVersion),
            InvestigationFilters.Patch(patch, now),
            new FindOneAndUpdateOptions<Investigation> { ReturnDocument = ReturnDocument.Before },
            cancellationToken);
        if (before is null)
        {
            var current = await GetAsync(tenantId, investigationId, cancellationToken);
            return current is null ? Outcome.NotFound<Investigation>() : Outcome.VersionConflict<Investigation>(current.Version);
        }

        var after = Copy(before);
        patch.ApplyTo(after, now);
        await AppendOrUndoAsync(AuditEntries.ForUpdate(before, after, audit, now),
            () => Investigations.ReplaceOneAsync(InvestigationFilters.AtVersion(tenantId, investigationId, after.Version), before),
            cancellationToken);
        return Outcome.Ok(after);
    }

    public async Task<Outcome<Investigation>> UpdateProgressAsync(
        string tenantId, string investigationId, InvestigationProgress progress, CancellationToken cancellationToken = default)
    {
        progress.EstimatedCompletion = UtcTime.Normalize(progress.EstimatedCompletion);
        var updated = await Investigations.FindOneAndUpdateAsync(
            InvestigationFilters.ById(tenantId, investigationId),
            InvestigationFilters.ReplaceProgress(progress, UtcTime.Now(clock)),
            new FindOneAndUpdateOptions<Investigation> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return updated is null ? Outcome.NotFound<Investigation>() : Outcome.Ok(updated);
    }

    public async Task<bool> TouchLastAccessedAsync(string tenantId, string investigationId, DateTime accessedAt, CancellationToken cancellationToken = default)
    {
        var result = await Investigations.UpdateOneAsync(
            InvestigationFilters.ById(tenantId, investigationId),
            InvestigationFilters.TouchLastAccessed(UtcTime.Normalize(accessedAt)),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<Outcome<Investigation>> DeleteAsync(string tenantId, string investigationId, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var deleted = await Investigations.FindOneAndDeleteAsync(InvestigationFilters.ById(tenantId, investigationId), cancellationToken: cancellationToken);
        if (deleted is null) return Outcome.NotFound<Investigation>();

        await AppendOrUndoAsync(AuditEntries.ForDelete(deleted, audit, UtcTime.Now(clock)),
            () => Investigations.InsertOneAsync(deleted),
            cancellationToken);
        return Outcome.Ok(deleted);
    }

    /// <summary>Atlas <c>$search</c> when the server has <c>investigations_search</c> (and it is enabled), else <c>$text</c>.</summary>
    public async Task<PagedResult<InvestigationSearchHit>> SearchAsync(string tenantId, string text, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return new PagedResult<InvestigationSearchHit>([], 0, page.Page, page.PageSize);

        long total;
        PipelineDefinition<Investigation, ScoredDocument<Investigation>> pageQuery;
        if (capabilities.AtlasSearchAvailable)
        {
            var meta = await (await Investigations.AggregateAsync(
                    InvestigationFilters.AtlasSearchCount(tenantId, text, IndexCatalog.InvestigationsSearchIndex), cancellationToken: cancellationToken))
                .FirstOrDefaultAsync(cancellationToken);
            total = meta?.Count?.Total ?? 0;
            pageQuery = InvestigationFilters.AtlasSearchPage(tenantId, text, IndexCatalog.InvestigationsSearchIndex, page.Skip, page.PageSize);
        }
        else
        {
            total = await Investigations.CountDocumentsAsync(InvestigationFilters.TextSearch(tenantId, text), cancellationToken: cancellationToken);
            pageQuery = InvestigationFilters.TextSearchPage(tenantId, text, page.Skip, page.PageSize);
        }

        var hits = total <= page.Skip
            ? []
            : await (await Investigations.AggregateAsync(pageQuery, cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        return new PagedResult<InvestigationSearchHit>(
            hits.Select(h => new InvestigationSearchHit(h.Document, h.Score ?? 0)).ToList(), total, page.Page, page.PageSize);
    }

    public async Task<IReadOnlyDictionary<InvestigationStatus, long>> CountByStatusAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var counts = await (await Investigations.AggregateAsync(InvestigationFilters.CountByStatus(tenantId), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Status, c => c.Count);
    }

    public string KeyOf(Investigation document) => document.InvestigationId;

    public IAsyncEnumerable<Investigation> ExportAsync(string? after = null, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.ExportAsync(Investigations, i => i.InvestigationId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Investigations, cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<Investigation> documents, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.UpsertAsync(Investigations, documents, i => i.InvestigationId, cancellationToken);

    /// <summary>
    /// Appends the entry; if that fails, runs <paramref name="undo"/> (not cancellable: it must run even when the
    /// append was cancelled) and rethrows.
    /// </summary>
    private async Task AppendOrUndoAsync(AuditLogEntry entry, Func<Task> undo, CancellationToken cancellationToken)
    {
        try
        {
            await MongoAuditLogRepository.InsertAsync(context.AuditLog, entry, cancellationToken);
        }
        catch (Exception appendFailure)
        {
            try
            {
                await undo();
            }
            catch (Exception undoFailure)
            {
                throw new AggregateException("The audit entry could not be written, nor the investigation change undone.", appendFailure, undoFailure);
            }
            throw;
        }
    }

    /// <summary>A deep copy through BSON, with the same class map the collection uses.</summary>
    private static Investigation Copy(Investigation investigation)
        => BsonSerializer.Deserialize<Investigation>(investigation.ToBsonDocument());
}
