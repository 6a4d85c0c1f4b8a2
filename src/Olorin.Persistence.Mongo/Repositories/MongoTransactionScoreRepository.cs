using System.Runtime.CompilerServices;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>Transaction scores; unique on (investigation_id, transaction_id).</summary>
internal sealed class MongoTransactionScoreRepository(MongoContext context, CapturedWrites capture, TimeProvider clock) : ITransactionScoreRepository
{
    private IMongoCollection<TransactionScore> Scores => context.TransactionScores;

    /// <summary>
    /// One unordered bulk insert: the unique index rejects the keys already stored (and repeats within the batch),
    /// every other score is inserted — unordered, the server goes on past a failed write and reports every error at
    /// the end (https://www.mongodb.com/docs/manual/reference/method/db.collection.bulkWrite/#ordered-vs-unordered-operations)
    /// — and the count of inserted ones is the answer (a write-concern error is not swallowed: it rethrows).
    /// </summary>
    public async Task<int> InsertManyAsync(string tenantId, IReadOnlyCollection<TransactionScore> scores, CancellationToken cancellationToken = default)
    {
        if (scores.Count == 0) return 0;
        var now = UtcTime.Now(clock);
        foreach (var score in scores)
        {
            score.TenantId = tenantId;
            score.CreatedAt = score.CreatedAt == default ? now : UtcTime.Normalize(score.CreatedAt);
        }
        var inserts = scores.Select(s => new InsertOneModel<TransactionScore>(s));
        return await capture.RunAsync(KeysOf(scores), async () =>
        {
            try
            {
                var result = await Scores.BulkWriteAsync(inserts, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
                return (int)result.InsertedCount;
            }
            catch (MongoBulkWriteException<TransactionScore> e)
                when (e.WriteConcernError is null && e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey))
            {
                return (int)e.Result.InsertedCount;
            }
        }, cancellationToken);
    }

    private static IReadOnlyCollection<Olorin.Core.Phases.ChangeKey> KeysOf(IEnumerable<TransactionScore> scores)
        => scores.Select(s => CaptureKeys.Score(s.TenantId, s.InvestigationId, s.TransactionId)).Distinct().ToList();

    public async Task<TransactionScore?> GetAsync(string tenantId, string investigationId, string transactionId, CancellationToken cancellationToken = default)
        => await Scores.Find(TransactionScoreFilters.ByKey(tenantId, investigationId, transactionId)).FirstOrDefaultAsync(cancellationToken);

    public Task<PagedResult<TransactionScore>> ListByInvestigationAsync(
        string tenantId, string investigationId, double? minRisk, PageRequest page, CancellationToken cancellationToken = default)
        => MongoPaging.FindPageAsync(Scores, TransactionScoreFilters.ByInvestigation(tenantId, investigationId, minRisk),
            TransactionScoreFilters.ListSort, page, cancellationToken);

    public async Task<IReadOnlyList<RiskBucket>> GetDistributionAsync(string tenantId, string investigationId, int buckets, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var counts = await (await Scores.AggregateAsync(TransactionScoreFilters.Distribution(tenantId, investigationId, buckets), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        var byBucket = counts.ToDictionary(c => (int)c.Bucket, c => c.Count);
        return Enumerable.Range(0, buckets)
            .Select(i => new RiskBucket((double)i / buckets, (double)(i + 1) / buckets, byBucket.GetValueOrDefault(i)))
            .ToList();
    }

    public Task<long> CountByInvestigationAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => Scores.CountDocumentsAsync(TransactionScoreFilters.ByInvestigation(tenantId, investigationId), cancellationToken: cancellationToken);

    /// <summary>In captured batches, each deleting exactly the scores it read (<see cref="ScoreDeletion"/>).</summary>
    public Task<long> DeleteByInvestigationAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default)
        => ScoreDeletion.DeleteAllAsync(Scores, capture, tenantId, investigationId, cancellationToken);

    public TransactionScoreKey KeyOf(TransactionScore document) => new(document.TenantId, document.InvestigationId, document.TransactionId);

    /// <summary>Keyset-paged over (tenant_id, investigation_id, transaction_id), like the other repositories.</summary>
    public async IAsyncEnumerable<TransactionScore> ExportAsync(
        TransactionScoreKey after = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var cursor = after;
        while (true)
        {
            var batch = await Scores.Find(TransactionScoreFilters.After(cursor))
                .Sort(TransactionScoreFilters.KeyOrder)
                .Limit(MongoBulkTransfer.ExportBatchSize)
                .ToListAsync(cancellationToken);
            foreach (var score in batch) yield return score;
            if (batch.Count < MongoBulkTransfer.ExportBatchSize) yield break;
            cursor = KeyOf(batch[^1]);
        }
    }

    public Task<long> CountAllAsync(CancellationToken cancellationToken = default)
        => MongoBulkTransfer.CountAllAsync(Scores, cancellationToken);

    public async Task<int> BulkUpsertAsync(IReadOnlyCollection<TransactionScore> documents, CancellationToken cancellationToken = default)
    {
        var unique = documents.GroupBy(KeyOf).Select(g => g.Last()).ToList();
        if (unique.Count == 0) return 0;
        // Equality on exactly the unique (tenant_id, investigation_id, transaction_id) key: see MongoBulkTransfer.UpsertAsync.
        var models = unique.Select(s => new ReplaceOneModel<TransactionScore>(TransactionScoreFilters.Key(KeyOf(s)), s) { IsUpsert = true }).ToList();
        await capture.RunAsync(KeysOf(unique),
            () => MongoErrors.RetryUpsertOnDuplicateKeyAsync(() => Scores.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = true }, cancellationToken)),
            cancellationToken);
        return unique.Count;
    }
}
