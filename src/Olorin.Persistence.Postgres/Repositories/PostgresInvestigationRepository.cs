using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using Olorin.Core.Auditing;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Postgres.Configurations;
using Pgvector;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Investigations in <c>investigation_states</c>. Each create, update and delete saves the row and its audit entry
/// with one <c>SaveChanges</c>, i.e. in one transaction. <c>version</c> is a concurrency token, so an update that
/// loses a race fails its <c>WHERE version = …</c> and becomes a version conflict.
/// </summary>
internal sealed class PostgresInvestigationRepository(
    OlorinDbContext db, TimeProvider clock, IOptions<PostgresVectorSearchOptions> vectorSearch) : IInvestigationRepository
{
    private const string FullTextConfiguration = "english";

    public async Task<Outcome<Investigation>> CreateAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        investigation.Version = 1;
        investigation.CreatedAt = now;
        investigation.UpdatedAt = now;
        investigation.LastAccessed = UtcTime.Normalize(investigation.LastAccessed);

        db.Investigations.Add(investigation);
        db.AuditLog.Add(AuditEntries.ForCreate(investigation, audit, now));
        return await db.SaveInsertAsync(investigation, "investigation_id", cancellationToken);
    }

    public Task<Investigation?> GetAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => db.Investigations.AsNoTracking()
            .FirstOrDefaultAsync(x => x.TenantId == tenantId && x.InvestigationId == investigationId, cancellationToken);

    public async Task<PagedResult<Investigation>> ListAsync(string tenantId, InvestigationQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var matching = db.Investigations.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.Status is { } status) matching = matching.Where(x => x.Status == status);
        if (query.UserId is { } userId) matching = matching.Where(x => x.UserId == userId);
        if (!string.IsNullOrEmpty(query.Search))
        {
            var pattern = $"%{EscapeLikePattern(query.Search)}%";
            matching = matching.Where(x => EF.Functions.ILike(x.InvestigationId, pattern, @"\"));
        }

        return await matching.ToPageAsync(q => q.OrderByDescending(x => x.UpdatedAt).ThenBy(x => x.InvestigationId), page, cancellationToken);
    }

    public async Task<Outcome<Investigation>> UpdateAsync(
        string tenantId, string investigationId, int expectedVersion, InvestigationPatch patch, AuditContext audit,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var stored = await FindTrackedAsync(tenantId, investigationId, cancellationToken);
            if (stored is null) return Outcome.NotFound<Investigation>();
            if (stored.Version != expectedVersion) return Outcome.VersionConflict<Investigation>(stored.Version);

            var before = (Investigation)db.Entry(stored).CurrentValues.ToObject();
            var now = UtcTime.Now(clock);
            patch.ApplyTo(stored, now);
            db.AuditLog.Add(AuditEntries.ForUpdate(before, stored, audit, now));
            await db.SaveChangesAsync(cancellationToken);
            return Outcome.Ok(stored);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await GetAsync(tenantId, investigationId, cancellationToken);
            return current is null ? Outcome.NotFound<Investigation>() : Outcome.VersionConflict<Investigation>(current.Version);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<Outcome<Investigation>> UpdateProgressAsync(
        string tenantId, string investigationId, JsonObject progress, CancellationToken cancellationToken = default)
    {
        // A set-based UPDATE: it neither checks nor bumps version (Decision 6), so it never conflicts with an update.
        var now = UtcTime.Now(clock);
        var updated = await Scoped(tenantId, investigationId).ExecuteUpdateAsync(
            s => s.SetProperty(x => x.Progress, progress).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (updated == 0) return Outcome.NotFound<Investigation>();
        var current = await GetAsync(tenantId, investigationId, cancellationToken);
        return current is null ? Outcome.NotFound<Investigation>() : Outcome.Ok(current);
    }

    public async Task<bool> TouchLastAccessedAsync(string tenantId, string investigationId, DateTime accessedAt, CancellationToken cancellationToken = default)
    {
        var at = UtcTime.Normalize(accessedAt);
        var updated = await Scoped(tenantId, investigationId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastAccessed, at), cancellationToken);
        return updated > 0;
    }

    public async Task<Outcome<Investigation>> DeleteAsync(string tenantId, string investigationId, AuditContext audit, CancellationToken cancellationToken = default)
    {
        // The DELETE is guarded by version, so a concurrent update makes it miss; then the current document is
        // deleted (and audited) instead. A document that keeps changing under us ends as a version conflict.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stored = await FindTrackedAsync(tenantId, investigationId, cancellationToken);
                if (stored is null) return Outcome.NotFound<Investigation>();
                // Its transaction scores go with it, in the same transaction (a lost race rolls them back too).
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.TransactionScores
                    .Where(s => s.TenantId == tenantId && s.InvestigationId == investigationId)
                    .ExecuteDeleteAsync(cancellationToken);
                db.Investigations.Remove(stored);
                db.AuditLog.Add(AuditEntries.ForDelete(stored, audit, UtcTime.Now(clock)));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return Outcome.Ok(stored);
            }
            catch (DbUpdateConcurrencyException) when (attempt < attempts)
            {
                // Updated (or deleted) since it was read: read it again and retry.
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                var current = await GetAsync(tenantId, investigationId, cancellationToken);
                return current is null ? Outcome.NotFound<Investigation>() : Outcome.VersionConflict<Investigation>(current.Version);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>How many matches a full-text search ranks at most: the most recently updated ones.</summary>
    public const int SearchRankCandidates = 1_000;

    public async Task<PagedResult<InvestigationSearchHit>> SearchAsync(string tenantId, string text, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return new PagedResult<InvestigationSearchHit>([], 0, page.Page, page.PageSize);

        var matching = db.Investigations.AsNoTracking()
            .Where(x => x.TenantId == tenantId
                && EF.Property<NpgsqlTsVector>(x, InvestigationConfiguration.SearchVector)
                    .Matches(EF.Functions.WebSearchToTsQuery(FullTextConfiguration, text)));

        var total = await matching.LongCountAsync(cancellationToken);
        // Bounded ranking work: ts_rank reads each match's whole tsvector, so only the SearchRankCandidates most
        // recently updated matches are ranked (the planner finds them through the GIN index for a rare term, or
        // walks (tenant_id, updated_at) and stops early for a common one); a page past them is empty.
        var hits = await matching
            .OrderByDescending(x => x.UpdatedAt).ThenBy(x => x.InvestigationId)
            .Take(SearchRankCandidates)
            .Select(x => new
            {
                Investigation = x,
                Rank = EF.Property<NpgsqlTsVector>(x, InvestigationConfiguration.SearchVector)
                    .Rank(EF.Functions.WebSearchToTsQuery(FullTextConfiguration, text)),
            })
            .OrderByDescending(x => x.Rank).ThenBy(x => x.Investigation.InvestigationId)
            .Skip(page.Skip).Take(page.PageSize)
            .ToListAsync(cancellationToken);
        return new PagedResult<InvestigationSearchHit>(
            hits.Select(h => new InvestigationSearchHit(h.Investigation, h.Rank)).ToList(), total, page.Page, page.PageSize);
    }

    /// <summary>Exact or through the HNSW index, by the same candidate-count rule as the anomaly similarity search.</summary>
    public async Task<PagedResult<InvestigationSearchHit>> SearchSemanticAsync(
        string tenantId, float[] vector, double minSimilarity, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (vector.Length != AnomalyEventConfiguration.EmbeddingDimensions)
            throw new ArgumentException($"An embedding has {AnomalyEventConfiguration.EmbeddingDimensions} dimensions, not {vector.Length}.", nameof(vector));

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var options = vectorSearch.Value;
        var total = await InvestigationSimilaritySql.CountAsync(db, tenantId, vector, minSimilarity, cancellationToken);
        if (total <= options.ExactSearchMaxCandidates)
            await AnomalySimilaritySql.ConfigureExactScanAsync(db, cancellationToken);
        else
            await AnomalySimilaritySql.ConfigureIndexScanAsync(db, Math.Max(options.EfSearch, page.Skip + page.PageSize), cancellationToken);
        var neighbours = total <= page.Skip
            ? []
            : await InvestigationSimilaritySql.NearestAsync(db, tenantId, vector, minSimilarity, page.Skip, page.PageSize, cancellationToken);
        var ids = neighbours.Select(n => n.InvestigationId).ToList();
        var found = await db.Investigations.AsNoTracking()
            .Where(x => x.TenantId == tenantId && ids.Contains(x.InvestigationId))
            .ToDictionaryAsync(x => x.InvestigationId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var hits = neighbours
            .Where(n => found.ContainsKey(n.InvestigationId))
            .Select(n => new InvestigationSearchHit(found[n.InvestigationId], 1.0 - n.Distance))
            .OrderByDescending(h => h.Rank).ThenBy(h => h.Investigation.InvestigationId, StringComparer.Ordinal)
            .ToList();
        return new PagedResult<InvestigationSearchHit>(hits, total, page.Page, page.PageSize);
    }

    public async Task<IReadOnlyList<Investigation>> ListWithoutEmbeddingAsync(string? tenantId, TenantKey? after, int limit, CancellationToken cancellationToken = default)
    {
        var keys = await MissingEmbeddingSql.KeysAsync(db, "investigation_states", "investigation_id", tenantId, after, limit, cancellationToken);
        var found = new Dictionary<TenantKey, Investigation>();
        foreach (var tenant in keys.GroupBy(k => k.TenantId))
        {
            var ids = tenant.Select(k => k.Id).ToList();
            var rows = await db.Investigations.AsNoTracking()
                .Where(x => x.TenantId == tenant.Key && ids.Contains(x.InvestigationId)).ToListAsync(cancellationToken);
            foreach (var row in rows) found[new TenantKey(row.TenantId, row.InvestigationId)] = row;
        }
        return keys.Where(found.ContainsKey).Select(k => found[k]).ToList();
    }

    public async Task<bool> SetEmbeddingAsync(string tenantId, string investigationId, int version, float[] embedding, CancellationToken cancellationToken = default)
    {
        if (embedding.Length != AnomalyEventConfiguration.EmbeddingDimensions)
            throw new ArgumentException($"An embedding has {AnomalyEventConfiguration.EmbeddingDimensions} dimensions, not {embedding.Length}.", nameof(embedding));
        var vector = new Vector(embedding);
        return await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE investigation_states SET embedding = {vector}
            WHERE tenant_id = {tenantId} AND investigation_id = {investigationId} AND version = {version} AND embedding IS NULL
            """, cancellationToken) == 1;
    }

    public async Task<IReadOnlyDictionary<InvestigationStatus, long>> CountByStatusAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var counts = await db.Investigations.AsNoTracking()
            .Where(x => x.TenantId == tenantId)
            .GroupBy(x => x.Status)
            .Select(g => new { Status = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Status, c => c.Count);
    }

    public TenantKey KeyOf(Investigation document) => new(document.TenantId, document.InvestigationId);

    public IAsyncEnumerable<Investigation> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.ExportAsync(db, (Investigation x) => x.TenantId, x => x.InvestigationId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => db.Investigations.LongCountAsync(cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<Investigation> documents, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.UpsertAsync(db, documents, x => x.TenantId, x => x.InvestigationId, cancellationToken);

    private IQueryable<Investigation> Scoped(string tenantId, string investigationId)
        => db.Investigations.Where(x => x.TenantId == tenantId && x.InvestigationId == investigationId);

    private Task<Investigation?> FindTrackedAsync(string tenantId, string investigationId, CancellationToken cancellationToken)
        => Scoped(tenantId, investigationId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Makes <c>%</c>, <c>_</c> and <c>\</c> literal in an ILIKE pattern whose escape character is <c>\</c>.</summary>
    private static string EscapeLikePattern(string value)
        => value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
