using System.Text.Json.Nodes;
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
using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories.Capture;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Investigations, each create/update/delete written together with its <c>audit_log</c> entry, atomically on every
/// deployment shape (Atlas, replica set, standalone; <c>audit_log</c> a time series or not). The entry goes into the
/// investigation's own document in the same single-document write (<see cref="PendingAudit"/>): a create inserts the
/// document with it, an update is one <c>findOneAndUpdate</c> that applies the patch and pushes the entry, a delete
/// first turns the document into a tombstone holding its DELETE entry. <see cref="MongoAuditRelay"/> then moves the
/// entry into <c>audit_log</c> (and removes a tombstone); a crash before it finishes leaves the entry pending, which
/// history reads include and start-up moves. So after a crash at any point, the change and its entry both exist or
/// neither does. No transaction, no undo: time series cannot be written in a transaction
/// (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#transactions) and a standalone
/// server has none, and an undo that rewrites the document from the model would drop fields it does not map.
/// Every write is captured with the investigation's key (<see cref="CapturedWrites"/>), from before its first read to
/// after its audit entries moved; the move captures the entries' own keys.
/// </summary>
internal sealed class MongoInvestigationRepository(
    MongoContext context, MongoSearchAvailability search, MongoAuditRelay relay, MongoSettings settings, CapturedWrites capture, TimeProvider clock)
    : IInvestigationRepository
{
    private IMongoCollection<Investigation> Investigations => context.Investigations;

    /// <summary>Attempts of an update whose before image changed under it without a version bump (a progress update).</summary>
    private const int MaxUpdateAttempts = 5;

    public Task<Outcome<Investigation>> CreateAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Investigation(investigation.TenantId, investigation.InvestigationId),
            () => CreateUncapturedAsync(investigation, audit, cancellationToken), cancellationToken);

    private async Task<Outcome<Investigation>> CreateUncapturedAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken)
    {
        var now = UtcTime.Now(clock);
        investigation.Version = 1;
        investigation.CreatedAt = investigation.UpdatedAt = now;
        investigation.LastAccessed = UtcTime.Normalize(investigation.LastAccessed);
        var stored = Copy(investigation); // as stored: nested dates at millisecond precision
        var entry = MongoAuditLogRepository.Prepare(AuditEntries.ForCreate(stored, audit, now));
        var raw = context.Database.GetCollection<BsonDocument>(MongoCollectionNames.Investigations);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await raw.InsertOneAsync(PendingAudit.WithEntry(investigation, entry), cancellationToken: cancellationToken);
                break;
            }
            catch (Exception e) when (MongoErrors.IsDuplicateKey(e))
            {
                // The id may be held by a deleted investigation whose delete the relay has not finished: finish it, try once more.
                if (attempt > 1 || await GetAsync(stored.TenantId, stored.InvestigationId, cancellationToken) is not null
                    || !await relay.FlushAsync(stored.TenantId, stored.InvestigationId, cancellationToken))
                    return Outcome.Duplicate<Investigation>("investigation_id");
            }
        }
        await MoveEntriesAsync(stored.TenantId, stored.InvestigationId);
        return Outcome.Ok(stored);
    }

    public async Task<Investigation?> GetAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => await Investigations.Find(InvestigationFilters.ById(tenantId, investigationId)).Project(InvestigationFilters.Served).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Moves the entries just written into audit_log. Never fails the request: the change and its entry already stand
    /// together, and an entry left pending is read by history and moved by the next write or at start-up.
    /// </summary>
    private async Task MoveEntriesAsync(string tenantId, string investigationId)
    {
        try
        {
            await relay.FlushAsync(tenantId, investigationId, CancellationToken.None);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            // left pending, see above
        }
    }

    public Task<PagedResult<Investigation>> ListAsync(string tenantId, InvestigationQuery query, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Investigations, InvestigationFilters.List(tenantId, query), InvestigationFilters.ListSort, page, cancellationToken,
            InvestigationFilters.Served, InvestigationFilters.ListCount(tenantId, query) is { } counted ? token => CountListAsync(counted, token) : null);

    /// <summary>
    /// Every document of the list, then its tombstones (<see cref="InvestigationFilters.ListCount"/>: neither count
    /// fetches a live investigation). In that order, a delete running meanwhile is seen either before (not counted) or
    /// after its first write (a tombstone, counted in both); only a tombstone the relay removes between the two counts
    /// is counted once as live, as a count taken a moment earlier would.
    /// </summary>
    private async Task<long> CountListAsync(InvestigationFilters.ListCountFilters counted, CancellationToken cancellationToken)
    {
        var all = await Investigations.CountDocumentsAsync(counted.All, cancellationToken: cancellationToken);
        if (all == 0) return 0;
        var tombstones = await Investigations.CountDocumentsAsync(counted.Tombstones, cancellationToken: cancellationToken);
        return Math.Max(0, all - tombstones);
    }

    /// <summary>
    /// Reads the investigation (its before image, which the audit entry needs), evaluates <paramref name="guard"/> on
    /// it (a refusal is classified from that read: no further one), applies the patch to that image
    /// (<see cref="InvestigationPatch.ApplyTo"/>: the same fields, version + 1 and updated_at as the update) for the
    /// entry, then one <c>updateOne</c> guarded on the version, the owner <i>and</i> the image's updated_at applies the
    /// patch and pushes the entry. The updated_at guard makes the entry exact: a progress update (which does not bump
    /// version) that slipped in since the read fails it, and the update is computed again.
    /// </summary>
    public Task<Outcome<Investigation>> UpdateAsync(
        string tenantId, string investigationId, InvestigationWriteGuard guard, InvestigationPatch patch, AuditContext audit,
        CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Investigation(tenantId, investigationId),
            () => UpdateUncapturedAsync(tenantId, investigationId, guard, patch, audit, cancellationToken), cancellationToken);

    private async Task<Outcome<Investigation>> UpdateUncapturedAsync(
        string tenantId, string investigationId, InvestigationWriteGuard guard, InvestigationPatch patch, AuditContext audit, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxUpdateAttempts; attempt++)
        {
            var before = await GetAsync(tenantId, investigationId, cancellationToken);
            if (guard.Refuse(before) is { } refusal) return refusal;

            var now = UtcTime.Now(clock);
            var patched = Copy(before!);
            patch.ApplyTo(patched, now);
            var after = Copy(patched); // through the serializers the update uses (UTC, milliseconds): exactly as stored
            var entry = MongoAuditLogRepository.Prepare(AuditEntries.ForUpdate(before!, after, audit, now));
            var result = await Investigations.UpdateOneAsync(
                InvestigationFilters.Guarded(tenantId, investigationId, before!.Version, guard.Owner, before.UpdatedAt),
                Builders<Investigation>.Update.Combine(InvestigationFilters.Patch(patch, now), PendingAudit.Push(entry)),
                cancellationToken: cancellationToken);
            if (result.ModifiedCount == 1)
            {
                await MoveEntriesAsync(tenantId, investigationId);
                return Outcome.Ok(after);
            }
        }

        var current = await GetAsync(tenantId, investigationId, cancellationToken);
        return guard.Refuse(current) ?? Outcome.VersionConflict<Investigation>(current!.Version);
    }

    public Task<Outcome<Investigation>> UpdateProgressAsync(
        string tenantId, string investigationId, JsonObject progress, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Investigation(tenantId, investigationId), async () =>
    {
        var updated = await Investigations.FindOneAndUpdateAsync(
            InvestigationFilters.ById(tenantId, investigationId),
            InvestigationFilters.ReplaceProgress(progress, UtcTime.Now(clock)),
            new FindOneAndUpdateOptions<Investigation> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return updated is null ? Outcome.NotFound<Investigation>() : Outcome.Ok(updated);
    }, cancellationToken);

    public Task<bool> TouchLastAccessedAsync(
        string tenantId, string investigationId, DateTime accessedAt, DateTime olderThan, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Investigation(tenantId, investigationId), async () =>
    {
        var result = await Investigations.UpdateOneAsync(
            InvestigationFilters.ById(tenantId, investigationId) & InvestigationFilters.LastAccessedBefore(UtcTime.Normalize(olderThan)),
            InvestigationFilters.TouchLastAccessed(UtcTime.Normalize(accessedAt)),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }, cancellationToken);

    /// <summary>
    /// One unordered <c>bulkWrite</c> of the same conditional <c>updateOne</c> per access: the server applies them
    /// independently and keeps going past a failed one
    /// (https://www.mongodb.com/docs/manual/reference/method/db.collection.bulkWrite/#ordered-vs-unordered-operations).
    /// </summary>
    public async Task<int> TouchLastAccessedAsync(IReadOnlyList<InvestigationAccess> accesses, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        if (accesses.Count == 0) return 0;
        var writes = accesses.Select(a => new UpdateOneModel<Investigation>(
            InvestigationFilters.ById(a.TenantId, a.InvestigationId) & InvestigationFilters.LastAccessedBefore(UtcTime.Normalize(a.AccessedAt - interval)),
            InvestigationFilters.TouchLastAccessed(UtcTime.Normalize(a.AccessedAt)))).ToList();
        var keys = accesses.Select(a => CaptureKeys.Investigation(a.TenantId, a.InvestigationId)).Distinct().ToList();
        var result = await capture.RunAsync(keys, () => Investigations.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken), cancellationToken);
        return (int)result.MatchedCount;
    }

    /// <summary>
    /// A tombstone holding the DELETE entry first (one write, guarded like an update so the entry's image is exact),
    /// then <see cref="MongoAuditRelay"/> moves the entry, removes the document and deletes its transaction scores in
    /// batches. The tombstone is invisible to every API read and write meanwhile.
    /// </summary>
    public Task<Outcome<Investigation>> DeleteAsync(
        string tenantId, string investigationId, InvestigationWriteGuard guard, AuditContext audit, CancellationToken cancellationToken = default)
        => capture.RunAsync(CaptureKeys.Investigation(tenantId, investigationId),
            () => DeleteUncapturedAsync(tenantId, investigationId, guard, audit, cancellationToken), cancellationToken);

    private async Task<Outcome<Investigation>> DeleteUncapturedAsync(
        string tenantId, string investigationId, InvestigationWriteGuard guard, AuditContext audit, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxUpdateAttempts; attempt++)
        {
            var current = await GetAsync(tenantId, investigationId, cancellationToken);
            if (guard.Refuse(current) is { } refusal) return refusal;
            var now = UtcTime.Now(clock);
            var entry = MongoAuditLogRepository.Prepare(AuditEntries.ForDelete(current!, audit, now));
            var result = await Investigations.UpdateOneAsync(
                InvestigationFilters.Guarded(tenantId, investigationId, current!.Version, guard.Owner, current.UpdatedAt),
                PendingAudit.Tombstone(entry, now),
                cancellationToken: cancellationToken);
            if (result.ModifiedCount == 1)
            {
                await MoveEntriesAsync(tenantId, investigationId);
                return Outcome.Ok(current);
            }
        }
        var still = await GetAsync(tenantId, investigationId, cancellationToken);
        return guard.Refuse(still) ?? Outcome.VersionConflict<Investigation>(still!.Version);
    }

    /// <summary>Atlas <c>$search</c> when <c>investigations_search</c> is enabled and usable now (<see cref="MongoSearchAvailability"/>), else <c>$text</c>.</summary>
    public async Task<PagedResult<InvestigationSearchHit>> SearchAsync(string tenantId, string text, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return new PagedResult<InvestigationSearchHit>([], 0, page.Page, page.PageSize);

        long total;
        PipelineDefinition<Investigation, ScoredDocument<Investigation>> pageQuery;
        if (await search.AtlasSearchUsableAsync(cancellationToken))
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

    /// <summary><c>$vectorSearch</c> when the server has <c>investigations_vector</c> (and it is enabled), else exact cosine.</summary>
    public async Task<PagedResult<InvestigationSearchHit>> SearchSemanticAsync(
        string tenantId, float[] vector, double minSimilarity, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (vector.Length != settings.EmbeddingDimension)
            throw new ArgumentException($"An embedding has {settings.EmbeddingDimension} dimensions, not {vector.Length}.", nameof(vector));
        if (vector.All(x => x == 0) || RowLimit.FetchesNothing(page.PageSize)) return new PagedResult<InvestigationSearchHit>([], 0, page.Page, page.PageSize);

        long total;
        List<ScoredDocument<Investigation>> hits;
        if (await search.InvestigationVectorSearchUsableAsync(cancellationToken))
        {
            // $vectorSearch returns neighbours, not a count: the total is what the index found up to this page.
            hits = await (await Investigations.AggregateAsync(
                    InvestigationVectorFilters.VectorSearch(tenantId, vector, minSimilarity, page.Skip, page.PageSize, IndexCatalog.InvestigationsVectorIndex),
                    cancellationToken: cancellationToken))
                .ToListAsync(cancellationToken);
            total = page.Skip + hits.Count;
        }
        else
        {
            var count = await (await Investigations.AggregateAsync(InvestigationVectorFilters.ExactCount(tenantId, vector, minSimilarity), cancellationToken: cancellationToken))
                .FirstOrDefaultAsync(cancellationToken);
            total = count?.Count ?? 0;
            hits = total <= page.Skip
                ? []
                : await (await Investigations.AggregateAsync(
                        InvestigationVectorFilters.ExactCosine(tenantId, vector, minSimilarity, page.Skip, page.PageSize), cancellationToken: cancellationToken))
                    .ToListAsync(cancellationToken);
        }
        return new PagedResult<InvestigationSearchHit>(
            hits.Select(h => new InvestigationSearchHit(h.Document, h.Score ?? 0)).ToList(), total, page.Page, page.PageSize);
    }

    public async Task<IReadOnlyList<Investigation>> ListWithoutEmbeddingAsync(string? tenantId, TenantKey? after, int limit, CancellationToken cancellationToken = default)
        => await Investigations.Find(EmbeddingFilters.InvestigationsWithout(tenantId, after)).Sort(EmbeddingFilters.InvestigationKeyOrder).Limit(limit)
            .ToListAsync(cancellationToken);

    public async Task<bool> SetEmbeddingAsync(string tenantId, string investigationId, int version, float[] embedding, CancellationToken cancellationToken = default)
    {
        if (embedding.Length != settings.EmbeddingDimension)
            throw new ArgumentException($"An embedding has {settings.EmbeddingDimension} dimensions, not {embedding.Length}.", nameof(embedding));
        var result = await capture.RunAsync(CaptureKeys.Investigation(tenantId, investigationId), () => Investigations.UpdateOneAsync(
            EmbeddingFilters.InvestigationStillWithout(tenantId, investigationId, version),
            EmbeddingFilters.SetEmbedding<Investigation>(i => i.Embedding, embedding),
            cancellationToken: cancellationToken), cancellationToken);
        return result.ModifiedCount == 1;
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
        => capture.RunAsync(CaptureKeys.Of(MongoCollectionNames.Investigations, documents, KeyOf),
            () => MongoBulkTransfer.UpsertAsync(Investigations, documents, i => i.TenantId, i => i.InvestigationId, cancellationToken), cancellationToken);

    /// <summary>A deep copy through BSON with the collection's class maps: what reading the stored document back gives.</summary>
    private static Investigation Copy(Investigation investigation)
        => BsonSerializer.Deserialize<Investigation>(investigation.ToBsonDocument());
}
