using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Olorin.Persistence.Postgres.Counting;

namespace Olorin.Persistence.Postgres.Repositories;

public sealed class PostgresTransactionScoreRepository(OlorinDbContext db, TimeProvider clock) : ITransactionScoreRepository
{
    /// <summary>Stamps every score with <paramref name="tenantId"/>; a score without created_at gets now.</summary>
    public Task<int> InsertManyAsync(string tenantId, IReadOnlyCollection<TransactionScore> scores, CancellationToken cancellationToken = default)
    {
        var now = UtcTime.Now(clock);
        var rows = scores.Select(s => new TransactionScore
        {
            InvestigationId = s.InvestigationId,
            TransactionId = s.TransactionId,
            TenantId = tenantId,
            RiskScore = s.RiskScore,
            ScoreComponents = s.ScoreComponents,
            CreatedAt = s.CreatedAt == default ? now : UtcTime.Normalize(s.CreatedAt),
        }).ToList();
        // ON CONFLICT DO NOTHING skips a key this tenant already stored; another tenant's rows are another key.
        return TransactionScoreRows.WriteAsync(db, rows, TransactionScoreConflict.KeepStored, cancellationToken);
    }

    public Task<TransactionScore?> GetAsync(string tenantId, string investigationId, string transactionId, CancellationToken cancellationToken = default)
        => ByInvestigation(tenantId, investigationId).AsNoTracking()
            .FirstOrDefaultAsync(x => x.TransactionId == transactionId, cancellationToken);

    public async Task<PagedResult<TransactionScore>> ListByInvestigationAsync(
        string tenantId, string investigationId, double? minRisk, PageRequest page, CancellationToken cancellationToken = default)
    {
        var scores = ByInvestigation(tenantId, investigationId).AsNoTracking();
        if (minRisk is { } min) scores = scores.Where(x => x.RiskScore >= min);

        // The investigation's total from row_counts unless a risk floor filters.
        var counted = minRisk is null ? new RowCountKey("transaction_scores", tenantId, "investigation_id", investigationId) : null;
        return await scores.ToPageAsync(q => q.OrderByDescending(x => x.RiskScore).ThenBy(x => x.TransactionId), page, db, counted, cancellationToken);
    }

    public async Task<IReadOnlyList<RiskBucket>> GetDistributionAsync(string tenantId, string investigationId, int buckets, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        if (buckets == TransactionScoreHistogramSql.Buckets)
        {
            // Maintained by triggers in the writes' own transactions: 10 rows read instead of every score scanned.
            var stored = await db.Database.SqlQueryRaw<BucketCount>(
                    TransactionScoreHistogramSql.Read,
                    new NpgsqlParameter("tenant_id", NpgsqlDbType.Varchar) { Value = tenantId },
                    new NpgsqlParameter("investigation_id", NpgsqlDbType.Varchar) { Value = investigationId })
                .ToDictionaryAsync(x => x.Bucket, x => x.Count, cancellationToken);
            return Buckets(buckets, stored);
        }
        // Bucket i holds [i/n, (i+1)/n); a score of exactly 1 would be bucket n, so it is folded into the last one.
        var counts = await ByInvestigation(tenantId, investigationId)
            .GroupBy(x => Math.Min((int)Math.Floor(x.RiskScore * buckets), buckets - 1))
            .Select(g => new { Bucket = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(x => x.Bucket, x => x.Count, cancellationToken);
        return Buckets(buckets, counts);
    }

    private static List<RiskBucket> Buckets(int buckets, Dictionary<int, long> counts)
        => Enumerable.Range(0, buckets)
            .Select(i => new RiskBucket((double)i / buckets, (double)(i + 1) / buckets, counts.GetValueOrDefault(i)))
            .ToList();

    public Task<long> CountByInvestigationAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => ByInvestigation(tenantId, investigationId).LongCountAsync(cancellationToken);

    public async Task<long> DeleteByInvestigationAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => await ByInvestigation(tenantId, investigationId).ExecuteDeleteAsync(cancellationToken);

    public TransactionScoreKey KeyOf(TransactionScore document) => new(document.TenantId, document.InvestigationId, document.TransactionId);

    /// <summary>Keyset export in (tenant_id, investigation_id, transaction_id) order; the columns use collation "C", so the order is ordinal.</summary>
    /// <param name="after">The key to resume after; <c>default</c> exports everything.</param>
    public IAsyncEnumerable<TransactionScore> ExportAsync(TransactionScoreKey after = default, CancellationToken cancellationToken = default)
        => PostgresBulkReader.ReadAsync<TransactionScore>(db, ["tenant_id", "investigation_id", "transaction_id"],
            after == default ? null : [after.TenantId, after.InvestigationId, after.TransactionId], cancellationToken);

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => db.TransactionScores.LongCountAsync(cancellationToken);

    /// <summary>Verbatim, created_at and tenant included; the last document wins when a key repeats.</summary>
    public Task<int> BulkUpsertAsync(IReadOnlyCollection<TransactionScore> documents, CancellationToken cancellationToken = default)
    {
        var unique = documents.GroupBy(KeyOf).Select(g => g.Last()).ToList();
        return TransactionScoreRows.WriteAsync(db, unique, TransactionScoreConflict.ReplaceStored, cancellationToken);
    }

    private IQueryable<TransactionScore> ByInvestigation(string tenantId, string investigationId)
        => db.TransactionScores.Where(x => x.TenantId == tenantId && x.InvestigationId == investigationId);
}
