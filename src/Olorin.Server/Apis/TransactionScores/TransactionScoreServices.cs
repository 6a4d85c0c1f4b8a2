using Olorin.Core.Tenancy;

namespace Olorin.Server.Apis.TransactionScores;

/// <summary>What every transaction-score handler needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class TransactionScoreServices(
    ITransactionScoreRepository scores,
    IInvestigationRepository investigations,
    RequestIdentity identity,
    TimeProvider clock,
    HttpContext httpContext) : RequestServices(identity, clock, httpContext)
{
    public ITransactionScoreRepository Scores { get; } = scores;
    public IInvestigationRepository Investigations { get; } = investigations;

    /// <summary>Every route of the resource answers 404 when the caller's tenant has no such investigation.</summary>
    public async Task<bool> InvestigationExistsAsync(string investigationId, CancellationToken cancellationToken)
        => await Investigations.GetAsync(Identity.TenantId, investigationId, cancellationToken) is not null;
}
