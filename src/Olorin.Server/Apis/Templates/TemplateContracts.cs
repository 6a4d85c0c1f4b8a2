using System.Text.Json.Serialization;

namespace Olorin.Server.Apis.Templates;

/// <param name="TemplateId">Generated when absent.</param>
public sealed record CreateTemplateRequest(string? TemplateId, string? Name, string? Description, List<string?>? Tags, TemplateBody? Template);

/// <summary>Only the fields sent change.</summary>
public sealed record UpdateTemplateRequest(string? Name, string? Description, List<string?>? Tags, TemplateBody? Template)
{
    public TemplatePatch ToPatch() => new(Name, Description, Tags?.Select(t => t!).ToList(), Template?.WithDefaults());
}

public sealed record TemplateResponse(
    string TemplateId,
    string UserId,
    string Name,
    string? Description,
    IReadOnlyList<string> Tags,
    TemplateBody Template,
    long UsageCount,
    DateTime? LastUsed,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static TemplateResponse From(InvestigationTemplate template) => new(
        template.TemplateId, template.UserId, template.Name, template.Description, template.Tags, template.Template,
        template.UsageCount, template.LastUsed, template.CreatedAt, template.UpdatedAt);
}

internal static class TemplateBodyDefaults
{
    /// <summary>A body whose collections a client sent as null, with those collections empty, as the model defines them.</summary>
    public static TemplateBody WithDefaults(this TemplateBody body)
    {
        body.Settings ??= [];
        body.Agents ??= [];
        body.DataSources ??= [];
        body.DefaultParams ??= [];
        return body;
    }
}

/// <summary>The list envelope, in the same shape as the investigations list (Decision 9).</summary>
public sealed record TemplateListResponse(
    [property: JsonPropertyName("templates")] IReadOnlyList<TemplateResponse> Templates,
    [property: JsonPropertyName("totalCount")] long TotalCount,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("hasNextPage")] bool HasNextPage,
    [property: JsonPropertyName("hasPreviousPage")] bool HasPreviousPage)
{
    public static TemplateListResponse From(PagedResult<InvestigationTemplate> page) => new(
        page.Items.Select(TemplateResponse.From).ToList(), page.TotalCount, page.Page, page.PageSize, page.HasNextPage, page.HasPreviousPage);
}
