using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Olorin.Core.Auditing;
using Olorin.Core.Transitions;
using Olorin.Persistence.Postgres.Configurations;
using Olorin.Persistence.Postgres.Counting;
using Pgvector;

namespace Olorin.Persistence.Postgres.Repositories;

/// <summary>
/// Investigations in <c>investigation_states</c>. Each create, update and delete writes the row and its audit entry
/// in one transaction (Npgsql, <see cref="InvestigationWriteSql"/>).
/// <c>version</c> is a concurrency token, so an update that loses a race fails its <c>WHERE version = …</c> and
/// becomes a version conflict.
/// </summary>
internal sealed class PostgresInvestigationRepository(
    Lazy<OlorinDbContext> context, NpgsqlDataSource dataSource, StatelessReadSource reads, TimeProvider clock, IOptions<PostgresVectorSearchOptions> vectorSearch) : IInvestigationRepository
{
    /// <summary>
    /// EF's context, rented on first use: the by-id read, create, update and delete go through Npgsql alone, and
    /// renting and resetting a pooled context for each of those requests cost CPU for nothing (docs/performance.md,
    /// "Session 7: GET by id").
    /// </summary>
    private OlorinDbContext Db => context.Value;

    private const string FullTextConfiguration = "english";

    public async Task<Outcome<Investigation>> CreateAsync(Investigation investigation, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        investigation.Version = 1;
        investigation.CreatedAt = now;
        investigation.UpdatedAt = now;
        investigation.LastAccessed = UtcTime.Normalize(investigation.LastAccessed);

        var entry = AuditEntries.ForCreate(investigation, audit, now);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await InvestigationWriteSql.InsertAsync(connection, investigation, entry, cancellationToken);
            return Outcome.Ok(investigation);
        }
        catch (PostgresException e) when (PostgresErrors.IsUniqueViolation(e, out _))
        {
            return Outcome.Duplicate<Investigation>("investigation_id");
        }
    }

    /// <summary>
    /// Without the derived columns (search_vector, embedding). Outside a transaction of the scope's context (every API
    /// read) with Npgsql directly (<see cref="InvestigationByIdReader"/>) on the pool whose connections are not reset
    /// per use (<see cref="StatelessReadSource"/>), without renting a context; inside one, through the context's
    /// connection, so the read sees the transaction's own writes: a compiled query, translated once per process.
    /// (No context obtained in the scope yet means no transaction on it: every resolution goes through the Lazy.)
    /// </summary>
    public Task<Investigation?> GetAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => context.IsValueCreated && Db.Database.CurrentTransaction is not null
            ? GetById(Db, tenantId, investigationId, cancellationToken)
            : InvestigationByIdReader.ReadAsync(reads.DataSource, tenantId, investigationId, cancellationToken);

    private static readonly Func<OlorinDbContext, string, string, CancellationToken, Task<Investigation?>> GetById =
        EF.CompileAsyncQuery((OlorinDbContext db, string tenantId, string investigationId, CancellationToken _) =>
            db.Investigations.AsNoTracking()
                .Where(x => x.TenantId == tenantId && x.InvestigationId == investigationId)
                .Select(InvestigationColumns.Served)
                .FirstOrDefault());

    public async Task<PagedResult<Investigation>> ListAsync(string tenantId, InvestigationQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        var matching = Db.Investigations.AsNoTracking().Where(x => x.TenantId == tenantId);
        if (query.Status is { } status) matching = matching.Where(x => x.Status == status);
        if (query.UserId is { } userId) matching = matching.Where(x => x.UserId == userId);
        if (!string.IsNullOrEmpty(query.Search))
        {
            var pattern = $"%{EscapeLikePattern(query.Search)}%";
            matching = matching.Where(x => EF.Functions.ILike(x.InvestigationId, pattern, @"\"));
        }

        // The total from row_counts when only the status (or nothing) filters; the owner and id-substring filters count.
        var counted = query.UserId is null && string.IsNullOrEmpty(query.Search)
            ? RowCountKey.ForFilter("investigation_states", tenantId, [("status", query.Status is { } s ? WireEnum.ToWire(s) : null)])
            : null;
        return await matching.ToPageAsync(
            q => q.OrderByDescending(x => x.UpdatedAt).ThenBy(x => x.InvestigationId), page, Db, counted, cancellationToken,
            q => q.Select(InvestigationColumns.Served));
    }

    /// <summary>
    /// One transaction on a pooled Npgsql connection: the row is read <c>FOR UPDATE</c> (the audit entry needs its
    /// before image, and the lock makes that image exact), <paramref name="guard"/> is evaluated on it (a refusal is
    /// classified from that same row: no further read), then the version-guarded UPDATE and the audit INSERT go in one
    /// batch (<see cref="InvestigationWriteSql"/>: fixed, prepared statements; no change tracking). Three round trips
    /// (BEGIN+SELECT, UPDATE+INSERT, COMMIT), as few as an audited write whose entry holds the before image allows.
    /// </summary>
    public async Task<Outcome<Investigation>> UpdateAsync(
        string tenantId, string investigationId, InvestigationWriteGuard guard, InvestigationPatch patch, AuditContext audit,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await InvestigationByIdReader.LockAsync(connection, tenantId, investigationId, cancellationToken);
        if (guard.Refuse(stored) is { } refusal) return refusal;

        var before = ShallowCopy(stored!); // the patch replaces members, it never edits them in place
        var now = UtcTime.Now(clock);
        patch.ApplyTo(stored!, now);
        var entry = AuditEntries.ForUpdate(before, stored!, audit, now);
        if (!await InvestigationWriteSql.UpdateAsync(connection, stored!, before.Version, patch, entry, cancellationToken))
            return Outcome.VersionConflict<Investigation>(before.Version); // not reached: the row is locked at that version
        await transaction.CommitAsync(cancellationToken);
        return Outcome.Ok(stored!);
    }

    private static Investigation ShallowCopy(Investigation x) => new()
    {
        InvestigationId = x.InvestigationId, UserId = x.UserId, TenantId = x.TenantId, LifecycleStage = x.LifecycleStage,
        Status = x.Status, Settings = x.Settings, Progress = x.Progress, Results = x.Results, Version = x.Version,
        CreatedAt = x.CreatedAt, UpdatedAt = x.UpdatedAt, LastAccessed = x.LastAccessed, Metadata = x.Metadata, Embedding = x.Embedding,
    };

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

    public async Task<bool> TouchLastAccessedAsync(
        string tenantId, string investigationId, DateTime accessedAt, DateTime olderThan, CancellationToken cancellationToken = default)
    {
        var at = UtcTime.Normalize(accessedAt);
        var threshold = UtcTime.Normalize(olderThan);
        var updated = await Scoped(tenantId, investigationId)
            .Where(x => x.LastAccessed == null || x.LastAccessed < threshold)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastAccessed, at), cancellationToken);
        return updated > 0;
    }

    /// <summary>
    /// One statement for every buffered access: an UPDATE joined to the accesses as arrays (unnest), each row written
    /// only when its stored access is unset or older than the interval. The ids compare with the key columns' "C"
    /// collation, so the primary key serves the join.
    /// </summary>
    public async Task<int> TouchLastAccessedAsync(IReadOnlyList<InvestigationAccess> accesses, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        if (accesses.Count == 0) return 0;
        var tenants = new string[accesses.Count];
        var ids = new string[accesses.Count];
        var ats = new DateTime[accesses.Count];
        for (var i = 0; i < accesses.Count; i++)
            (tenants[i], ids[i], ats[i]) = (accesses[i].TenantId, accesses[i].InvestigationId, UtcTime.Normalize(accesses[i].AccessedAt));
        var seconds = interval.TotalSeconds;
        return await Db.Database.ExecuteSqlAsync($"""
            UPDATE investigation_states s SET last_accessed = a.at
            FROM unnest({tenants}::text[], {ids}::text[], {ats}::timestamptz[]) AS a(t, i, at)
            WHERE s.tenant_id = a.t COLLATE "C" AND s.investigation_id = a.i COLLATE "C"
              AND (s.last_accessed IS NULL OR s.last_accessed < a.at - make_interval(secs => {seconds}))
            """, cancellationToken);
    }

    /// <summary>
    /// One transaction on a pooled Npgsql connection, without a read first: the guarded DELETE of the row and its
    /// transaction scores, returning the row (<see cref="InvestigationWriteSql"/>; the owner and version are its
    /// WHERE), then the DELETE entry Core builds from that row, then COMMIT. When no row was deleted — absent, refused,
    /// or a <see cref="InvestigationWriteGuard.Precondition"/> that only the document can answer — the row is read
    /// locked and Core's guard classifies it (404, 403, 409, precondition), so the outcomes and texts are the ones of
    /// every adapter; a row that passes it then (changed since the statement's snapshot) is deleted under the lock.
    /// </summary>
    public async Task<Outcome<Investigation>> DeleteAsync(
        string tenantId, string investigationId, InvestigationWriteGuard guard, AuditContext audit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = guard.Precondition is null
            ? await InvestigationWriteSql.DeleteAsync(connection, tenantId, investigationId, guard.Owner, guard.ExpectedVersion, cancellationToken)
            : null;
        if (deleted is null)
        {
            var stored = await InvestigationByIdReader.LockAsync(connection, tenantId, investigationId, cancellationToken);
            if (guard.Refuse(stored) is { } refusal) return refusal;
            deleted = await InvestigationWriteSql.DeleteAsync(connection, tenantId, investigationId, owner: null, expectedVersion: null, cancellationToken)
                ?? throw new InvalidOperationException($"Investigation {investigationId} was locked by this transaction and still not deleted.");
        }
        await InvestigationWriteSql.InsertAuditAsync(connection, AuditEntries.ForDelete(deleted, audit, UtcTime.Now(clock)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome.Ok(deleted);
    }

    /// <summary>How many matches a full-text search ranks at most: the most recently updated ones.</summary>
    public const int SearchRankCandidates = 1_000;

    public async Task<PagedResult<InvestigationSearchHit>> SearchAsync(string tenantId, string text, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return new PagedResult<InvestigationSearchHit>([], 0, page.Page, page.PageSize);

        var matching = Db.Investigations.AsNoTracking()
            .Where(x => x.TenantId == tenantId
                && EF.Property<NpgsqlTsVector>(x, InvestigationConfiguration.SearchVector)
                    .Matches(EF.Functions.WebSearchToTsQuery(FullTextConfiguration, text)));

        // Bounded work: ts_rank reads each match's whole tsvector, so only the SearchRankCandidates most recently
        // updated matches are ranked (the planner finds them through the GIN index for a rare term, or walks
        // (tenant_id, updated_at) and stops early for a common one); a page past them is empty. The total counts
        // those pageable matches: the count stops at one more than them (a term in every one of 100k documents
        // cost a 100k-row @@ scan per request, 0.4 s), and MoreMatches says whether there were more.
        var counted = await matching.Take(SearchRankCandidates + 1).LongCountAsync(cancellationToken);
        var total = Math.Min(counted, SearchRankCandidates);
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
            hits.Select(h => new InvestigationSearchHit(h.Investigation, h.Rank)).ToList(), total, page.Page, page.PageSize)
        { MoreMatches = counted > SearchRankCandidates };
    }

    /// <summary>Exact or through the HNSW index, by the same candidate-count rule as the anomaly similarity search.</summary>
    public async Task<PagedResult<InvestigationSearchHit>> SearchSemanticAsync(
        string tenantId, float[] vector, double minSimilarity, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (vector.Length != AnomalyEventConfiguration.EmbeddingDimensions)
            throw new ArgumentException($"An embedding has {AnomalyEventConfiguration.EmbeddingDimensions} dimensions, not {vector.Length}.", nameof(vector));

        await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);
        var options = vectorSearch.Value;
        var total = await InvestigationSimilaritySql.CountAsync(Db, tenantId, vector, minSimilarity, cancellationToken);
        if (total <= options.ExactSearchMaxCandidates)
            await AnomalySimilaritySql.ConfigureExactScanAsync(Db, cancellationToken);
        else
            await AnomalySimilaritySql.ConfigureIndexScanAsync(Db, Math.Max(options.EfSearch, page.Skip + page.PageSize), cancellationToken);
        var neighbours = total <= page.Skip
            ? []
            : await InvestigationSimilaritySql.NearestAsync(Db, tenantId, vector, minSimilarity, page.Skip, page.PageSize, cancellationToken);
        var ids = neighbours.Select(n => n.InvestigationId).ToList();
        var found = await Db.Investigations.AsNoTracking()
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
        var keys = await MissingEmbeddingSql.KeysAsync(Db, "investigation_states", "investigation_id", tenantId, after, limit, cancellationToken);
        var found = new Dictionary<TenantKey, Investigation>();
        foreach (var tenant in keys.GroupBy(k => k.TenantId))
        {
            var ids = tenant.Select(k => k.Id).ToList();
            var rows = await Db.Investigations.AsNoTracking()
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
        return await Db.Database.ExecuteSqlAsync(
            $"""
            UPDATE investigation_states SET embedding = {vector}
            WHERE tenant_id = {tenantId} AND investigation_id = {investigationId} AND version = {version} AND embedding IS NULL
            """, cancellationToken) == 1;
    }

    public async Task<IReadOnlyDictionary<InvestigationStatus, long>> CountByStatusAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var counts = await Db.Investigations.AsNoTracking()
            .Where(x => x.TenantId == tenantId)
            .GroupBy(x => x.Status)
            .Select(g => new { Status = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Status, c => c.Count);
    }

    public TenantKey KeyOf(Investigation document) => new(document.TenantId, document.InvestigationId);

    public IAsyncEnumerable<Investigation> ExportAsync(TenantKey after = default, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.ExportAsync(Db, (Investigation x) => x.TenantId, x => x.InvestigationId, after, cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => Db.Investigations.LongCountAsync(cancellationToken);

    public Task<int> BulkUpsertAsync(IReadOnlyCollection<Investigation> documents, CancellationToken cancellationToken = default)
        => PostgresBulkTransfer.UpsertAsync(Db, documents, x => x.TenantId, x => x.InvestigationId, cancellationToken);

    private IQueryable<Investigation> Scoped(string tenantId, string investigationId)
        => Db.Investigations.Where(x => x.TenantId == tenantId && x.InvestigationId == investigationId);

    /// <summary>Makes <c>%</c>, <c>_</c> and <c>\</c> literal in an ILIKE pattern whose escape character is <c>\</c>.</summary>
    private static string EscapeLikePattern(string value)
        => value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
