using System.Diagnostics;
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
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Investigations, each create/update/delete written together with its <c>audit_log</c> entry.
/// <para>
/// Atomic when it can be: in a multi-document transaction when the server supports them (replica set, sharded
/// cluster) and <c>audit_log</c> is a regular collection (MONGODB_ENABLE_TIME_SERIES off). With the time series of
/// Decision 2 it cannot be: MongoDB never writes to a time-series collection inside a transaction (any version),
/// and a standalone server has no transactions. Then the investigation is written first (one document, atomic on
/// its own) and the entry right after; if appending the entry fails, the investigation write is undone (guarded on
/// the version it produced, so a later writer's change is never reverted) and the failure rethrown. What remains
/// possible there is a crash of the process between the two writes, leaving a change without its entry;
/// /status/mongodb reports both inputs (transaction support, time series on or off).
/// </para>
/// </summary>
internal sealed class MongoInvestigationRepository(
    MongoContext context, MongoCapabilities capabilities, MongoSettings settings, TimeProvider clock) : IInvestigationRepository
{
    private IMongoCollection<Investigation> Investigations => context.Investigations;

    /// <summary>Whether the document and its audit entry go in one transaction (see the class remarks).</summary>
    private bool AuditInTransaction => capabilities.AuditInTransaction(settings);

    /// <summary>Transactions exist and audit_log is a regular collection (time series cannot be written in a transaction).</summary>
    public static bool AuditInTransactionFor(bool transactionsSupported, MongoSettings settings)
        => transactionsSupported && !settings.EnableTimeSeries;

    public async Task<Outcome<Investigation>> CreateAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        investigation.Version = 1;
        investigation.CreatedAt = investigation.UpdatedAt = now;
        investigation.LastAccessed = UtcTime.Normalize(investigation.LastAccessed);
        try
        {
            return await WriteAuditedAsync(async (session, ct) =>
            {
                await Investigations.InsertOneAsync(session, investigation, cancellationToken: ct);
                var stored = Copy(investigation); // as stored: nested dates at millisecond precision
                return new AuditedWrite(Outcome.Ok(stored), AuditEntries.ForCreate(stored, audit, now),
                    () => Investigations.DeleteOneAsync(
                        InvestigationFilters.AtVersion(investigation.TenantId, investigation.InvestigationId, investigation.Version)));
            }, cancellationToken) ?? throw new UnreachableException("An insert either writes the document or throws.");
        }
        catch (Exception e) when (MongoErrors.IsDuplicateKey(e))
        {
            return Outcome.Duplicate<Investigation>("investigation_id");
        }
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
        var written = await WriteAuditedAsync(async (session, ct) =>
        {
            var before = await Investigations.FindOneAndUpdateAsync(session,
                InvestigationFilters.AtVersion(tenantId, investigationId, expectedVersion),
                InvestigationFilters.Patch(patch, now),
                new FindOneAndUpdateOptions<Investigation> { ReturnDocument = ReturnDocument.Before },
                ct);
            if (before is null) return AuditedWrite.Nothing;

            var patched = Copy(before);
            patch.ApplyTo(patched, now);
            var after = Copy(patched); // through the serializers the update used (UTC, milliseconds): exactly as stored
            return new AuditedWrite(Outcome.Ok(after), AuditEntries.ForUpdate(before, after, audit, now),
                () => Investigations.ReplaceOneAsync(InvestigationFilters.AtVersion(tenantId, investigationId, after.Version), before));
        }, cancellationToken);
        if (written is not null) return written;

        var current = await GetAsync(tenantId, investigationId, cancellationToken);
        return current is null ? Outcome.NotFound<Investigation>() : Outcome.VersionConflict<Investigation>(current.Version);
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
        var written = await WriteAuditedAsync(async (session, ct) =>
        {
            var deleted = await Investigations.FindOneAndDeleteAsync(session, InvestigationFilters.ById(tenantId, investigationId), cancellationToken: ct);
            return deleted is null
                ? AuditedWrite.Nothing
                : new AuditedWrite(Outcome.Ok(deleted), AuditEntries.ForDelete(deleted, audit, UtcTime.Now(clock)),
                    () => Investigations.InsertOneAsync(deleted))
                {
                    // Its transaction scores go with it: in the transaction when there is one, else once the change
                    // and its audit entry stand (a failure then leaves scores without an investigation, never the reverse).
                    Cascade = (s, c) => context.TransactionScores.DeleteManyAsync(s, TransactionScoreFilters.ByInvestigation(tenantId, investigationId), cancellationToken: c),
                };
        }, cancellationToken);
        return written ?? Outcome.NotFound<Investigation>();
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

        var hits = total <= page.Skip || RowLimit.FetchesNothing(page.PageSize)
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

    public TenantKey KeyOf(Investigation document) => new(document.TenantId, document.InvestigationId);

    public IAsyncEnumerable<Investigation> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.ExportAsync(Investigations, i => i.TenantId, i => i.InvestigationId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Investigations, cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<Investigation> documents, CancellationToken cancellationToken = default)
        => MongoBulkTransfer.UpsertAsync(Investigations, documents, i => i.TenantId, i => i.InvestigationId, cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> and appends the audit entry it produced: both inside one transaction when
    /// <see cref="AuditInTransaction"/>, else one after the other, undoing the write if the append fails (the undo is
    /// not cancellable: it must run even when the append was cancelled). Null when the write changed nothing.
    /// </summary>
    private async Task<Outcome<Investigation>?> WriteAuditedAsync(
        Func<IClientSessionHandle, CancellationToken, Task<AuditedWrite>> write, CancellationToken cancellationToken)
    {
        using var session = await context.Client.StartSessionAsync(cancellationToken: cancellationToken);
        if (AuditInTransaction)
        {
            return await session.WithTransactionAsync(async (s, ct) =>
            {
                var inTransaction = await write(s, ct);
                if (inTransaction.Entry is { } entry) await MongoAuditLogRepository.InsertAsync(context.AuditLog, s, entry, ct);
                if (inTransaction.Cascade is { } cascade) await cascade(s, ct);
                return inTransaction.Result;
            }, cancellationToken: cancellationToken);
        }

        var written = await write(session, cancellationToken);
        if (written.Entry is not { } auditEntry) return written.Result;
        try
        {
            await MongoAuditLogRepository.InsertAsync(context.AuditLog, session, auditEntry, cancellationToken);
        }
        catch (Exception appendFailure)
        {
            try
            {
                await written.Undo!();
            }
            catch (Exception undoFailure)
            {
                throw new AggregateException("The audit entry could not be written, nor the investigation change undone.", appendFailure, undoFailure);
            }
            throw;
        }
        if (written.Cascade is { } then) await then(session, cancellationToken);
        return written.Result;
    }

    /// <summary>
    /// What an investigation write did: its outcome, the audit entry that goes with it, how to undo it, and what
    /// else must change with it once it stands.
    /// </summary>
    private sealed record AuditedWrite(Outcome<Investigation>? Result, AuditLogEntry? Entry, Func<Task>? Undo)
    {
        public static AuditedWrite Nothing { get; } = new(null, null, null);

        public Func<IClientSessionHandle, CancellationToken, Task>? Cascade { get; init; }
    }

    /// <summary>A deep copy through BSON with the collection's class maps: what reading the stored document back gives.</summary>
    private static Investigation Copy(Investigation investigation)
        => BsonSerializer.Deserialize<Investigation>(investigation.ToBsonDocument());
}
