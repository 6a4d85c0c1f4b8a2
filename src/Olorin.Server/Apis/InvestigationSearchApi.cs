using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Validation;
using Olorin.Server.Apis.Investigations;

namespace Olorin.Server.Apis;

/// <summary>
/// Full-text search over the tenant's investigations (name, entity values, results summary and findings), best match
/// first. Served under every investigations prefix; the literal <c>/search</c> segment outranks <c>/{investigationId}</c>.
/// </summary>
public static class InvestigationSearchApi
{
    public const int MaxQueryLength = 500;

    /// <summary>The literal path segment of the search route; no investigation may take it as its id.</summary>
    public const string Segment = "search";

    public static IEndpointRouteBuilder MapInvestigationSearchApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in InvestigationsApi.Prefixes)
            app.MapGroup(prefix).WithTags("Investigations")
                .MapGet($"/{Segment}", SearchInvestigations)
                .WithSummary("Full-text search over the tenant's investigations, best match first; `q` is required.");
        return app;
    }

    public static async Task<Results<Ok<InvestigationSearchResponse>, ValidationProblem>> SearchInvestigations(
        [AsParameters] InvestigationServices services,
        [FromQuery] string? q,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var text = q?.Trim();
        if (string.IsNullOrEmpty(text)) errors.Add("q", "q (the text to search for) is required.");
        else FieldRules.Length(errors, "q", text, 1, MaxQueryLength);
        var request = QueryValues.Page(errors, page, pageSize);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var result = await services.Investigations.SearchAsync(services.Identity.TenantId, text!, request, cancellationToken);
        return TypedResults.Ok(InvestigationSearchResponse.From(result));
    }
}

/// <summary>A search hit: the investigation (as in the investigation API) and its backend-specific relevance.</summary>
public sealed record InvestigationSearchItem : InvestigationResponse
{
    /// <summary>Relevance; only the order is comparable across backends.</summary>
    public double Rank { get; init; }

    private InvestigationSearchItem(InvestigationResponse investigation, double rank) : base(investigation) => Rank = rank;

    public static InvestigationSearchItem From(InvestigationSearchHit hit) => new(InvestigationResponse.From(hit.Investigation), hit.Rank);
}

/// <summary>The investigation list envelope, items ranked best first.</summary>
public sealed record InvestigationSearchResponse(
    [property: JsonPropertyName("investigations")] IReadOnlyList<InvestigationSearchItem> Investigations,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static InvestigationSearchResponse From(PagedResult<InvestigationSearchHit> page) => new(
        page.Items.Select(InvestigationSearchItem.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
