using Microsoft.AspNetCore.Mvc;
using System.Text.Json.Serialization;
using Olorin.Core.Embeddings;

namespace Olorin.Server.Apis.Investigations;

/// <summary>
/// Search over the tenant's investigations, best match first: full text (<c>mode=text</c>, the default: name, entity
/// values, results summary and findings) or semantic (<c>mode=semantic</c>: cosine similarity between the server's
/// embedding of <c>q</c> and of each investigation's settings, findings and summary). Served under every
/// investigations prefix; the literal <c>/search</c> segment outranks <c>/{investigationId}</c>.
/// </summary>
public static class InvestigationSearchApi
{
    public const int MaxQueryLength = 500;

    /// <summary>The literal path segment of the search route; no investigation may take it as its id.</summary>
    public const string Segment = "search";

    public const string TextMode = "text";
    public const string SemanticMode = "semantic";

    /// <summary>Semantic search keeps investigations with cosine similarity ≥ this unless min_similarity says otherwise (Decision 11).</summary>
    public const double DefaultMinSimilarity = 0.4;

    public static IEndpointRouteBuilder MapInvestigationSearchApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in InvestigationsApi.Prefixes)
            app.MapGroup(prefix).WithTags("Investigations")
                .MapGet($"/{Segment}", SearchInvestigations)
                .WithSummary("Searches the tenant's investigations, best match first: full text (`mode=text`, default) or semantic (`mode=semantic`, cosine similarity of embeddings, `min_similarity` −1..1, default 0.4); `q` is required.");
        return app;
    }

    public static async Task<Results<Ok<InvestigationSearchResponse>, ValidationProblem>> SearchInvestigations(
        [AsParameters] InvestigationServices services,
        [FromQuery] string? q,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery] string? mode,
        [FromQuery(Name = "min_similarity")] double? minSimilarity,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var text = q?.Trim();
        if (string.IsNullOrEmpty(text)) errors.Add("q", "q (the text to search for) is required.");
        else FieldRules.Length(errors, "q", text, 1, MaxQueryLength);
        var request = QueryValues.Page(errors, page, pageSize);
        var semantic = string.Equals(mode, SemanticMode, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(mode)) FieldRules.OneOf(errors, "mode", mode, [TextMode, SemanticMode]);
        if (minSimilarity is not null && !semantic) errors.Add("min_similarity", "min_similarity applies to mode=semantic only.");
        FieldRules.Range(errors, "min_similarity", minSimilarity, -1, 1);
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        if (!semantic)
            return TypedResults.Ok(InvestigationSearchResponse.From(await services.Investigations.SearchAsync(tenant, text!, request, cancellationToken)));

        // 503 (EmbedderUnavailableException) while the model loads, or when embedding is off.
        var vector = await services.Embedder.EmbedAsync(text!, cancellationToken);
        var hits = await services.Investigations.SearchSemanticAsync(tenant, vector, minSimilarity ?? DefaultMinSimilarity, request, cancellationToken);
        return TypedResults.Ok(InvestigationSearchResponse.From(hits));
    }
}

/// <summary>A search hit: the investigation (as in the investigation API) and its backend-specific relevance.</summary>
public sealed record InvestigationSearchItem : InvestigationResponse
{
    /// <summary>Relevance: full text, only the order is comparable across backends; semantic, the cosine similarity.</summary>
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
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage,
    [property: JsonPropertyName("moreMatches")] bool MoreMatches)
{
    public static InvestigationSearchResponse From(PagedResult<InvestigationSearchHit> page) => new(
        page.Items.Select(InvestigationSearchItem.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage,
        page.MoreMatches);
}
