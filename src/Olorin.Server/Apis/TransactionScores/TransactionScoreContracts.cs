using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.TransactionScores;

public sealed record TransactionScoreBatchRequest(List<TransactionScoreInput?>? Scores);

public sealed record TransactionScoreInput(string? TransactionId, double? RiskScore, ScoreComponents? ScoreComponents);

/// <param name="Inserted">Scores this request added; those already stored are left as they were.</param>
/// <param name="Total">Scores the investigation has now.</param>
public sealed record TransactionScoreBatchResponse(int Inserted, long Total);

public sealed record TransactionScoreResponse(
    string InvestigationId, string TransactionId, double RiskScore, ScoreComponents? ScoreComponents, DateTime CreatedAt)
{
    public static TransactionScoreResponse From(TransactionScore score)
        => new(score.InvestigationId, score.TransactionId, score.RiskScore, score.ScoreComponents, score.CreatedAt);
}

public sealed record RiskDistributionResponse(IReadOnlyList<RiskBucket> Buckets, long Total);

/// <summary>The list envelope, in the same shape as the investigations list (Decision 9).</summary>
public sealed record TransactionScoreListResponse(
    [property: JsonPropertyName("transaction_scores")] IReadOnlyList<TransactionScoreResponse> TransactionScores,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static TransactionScoreListResponse From(PagedResult<TransactionScore> page) => new(
        page.Items.Select(TransactionScoreResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
