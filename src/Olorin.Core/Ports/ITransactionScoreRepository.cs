namespace Olorin.Core.Ports;

/// <summary>A score's key: (tenant_id, investigation_id, transaction_id), ordered ordinally in that order.</summary>
public readonly record struct TransactionScoreKey(string TenantId, string InvestigationId, string TransactionId) : IComparable<TransactionScoreKey>
{
    public int CompareTo(TransactionScoreKey other)
    {
        var byTenant = string.CompareOrdinal(TenantId, other.TenantId);
        if (byTenant != 0) return byTenant;
        var byInvestigation = string.CompareOrdinal(InvestigationId, other.InvestigationId);
        return byInvestigation != 0 ? byInvestigation : string.CompareOrdinal(TransactionId, other.TransactionId);
    }
}

public interface ITransactionScoreRepository : IBulkTransferPort<TransactionScore, TransactionScoreKey>
{
    /// <summary>
    /// Inserts the scores that are not stored yet; a (investigation_id, transaction_id) already stored is left
    /// untouched, so repeating a call changes nothing. Returns how many were inserted.
    /// </summary>
    Task<int> InsertManyAsync(string tenantId, IReadOnlyCollection<TransactionScore> scores, CancellationToken cancellationToken = default);

    Task<TransactionScore?> GetAsync(string tenantId, string investigationId, string transactionId, CancellationToken cancellationToken = default);

    /// <summary>Highest risk first (then transaction_id); only scores ≥ <paramref name="minRisk"/> when given.</summary>
    Task<PagedResult<TransactionScore>> ListByInvestigationAsync(string tenantId, string investigationId, double? minRisk, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Count per risk bucket: <paramref name="buckets"/> equal-width buckets over [0, 1], the last one closed
    /// (a score of exactly 1 falls in it). Always returns every bucket.
    /// </summary>
    Task<IReadOnlyList<RiskBucket>> GetDistributionAsync(string tenantId, string investigationId, int buckets, CancellationToken cancellationToken = default);

    Task<long> CountByInvestigationAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default);

    Task<long> DeleteByInvestigationAsync(string tenantId, string investigationId, CancellationToken cancellationToken = default);
}

public sealed record RiskBucket(double From, double To, long Count);
