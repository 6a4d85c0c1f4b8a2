using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>
/// Deletes an investigation's transaction scores a batch at a time, each batch captured with its keys
/// (<see cref="CapturedWrites"/>). The keys of a delete by filter are not known up front, so each batch is read first
/// (<c>_id</c> and transaction id) and then deleted by exactly the <c>_id</c>s read, inside the capture of their keys.
/// Why not a collection-wide "rescan" entry: the relay copies keys (<see cref="Outbox.MongoChangeOutbox"/>) and would
/// have to diff a whole investigation's scores against PostgreSQL instead. Why delete by the ids read and not by the
/// filter again: a score inserted between the read and the delete would be deleted without its key being captured
/// (its own entry may be relayed already), and PostgreSQL would keep it. A score inserted meanwhile survives, as if it
/// had been inserted after the delete. Batches also keep each write short (a <c>deleteMany</c> over a high-volume set
/// could outlast a transaction's 60 s limit where one is used:
/// https://www.mongodb.com/docs/manual/core/transactions-production-consideration/#runtime-limit). On a time series a
/// delete takes any filter from MongoDB 7.0, and only as <c>deleteMany</c>
/// (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#deletes).
/// </summary>
internal static class ScoreDeletion
{
    public const int BatchSize = 1_000;

    public static async Task<long> DeleteAllAsync(
        IMongoCollection<TransactionScore> scores, CapturedWrites capture, string tenantId, string investigationId, CancellationToken cancellationToken)
    {
        var mine = TransactionScoreFilters.ByInvestigation(tenantId, investigationId);
        long deleted = 0;
        while (true)
        {
            var batch = await scores.Find(mine).Project(TransactionScoreFilters.DeletionKeys).Limit(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0) return deleted;
            var keys = batch.Select(d => CaptureKeys.Score(tenantId, investigationId, d["transaction_id"].AsString)).Distinct().ToList();
            deleted += await capture.RunAsync(keys,
                async () => (await scores.DeleteManyAsync(TransactionScoreFilters.Documents(tenantId, investigationId, batch.Select(d => d["_id"])), cancellationToken)).DeletedCount,
                cancellationToken);
        }
    }
}
