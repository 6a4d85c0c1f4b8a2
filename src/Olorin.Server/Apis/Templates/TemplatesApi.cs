using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Tenancy;
using Olorin.Core.Validation;

namespace Olorin.Server.Apis.Templates;

/// <summary>Saved investigation configurations: anyone in the tenant may read and use one, only its owner may change it.</summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/templates").WithTags("Templates");
        templates.MapGet("/", ListTemplates)
            .WithSummary("Lists the tenant's templates, most used first.");
        templates.MapPost("/", CreateTemplate)
            .WithSummary("Creates a template owned by the caller; names are unique per user.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapGet("/{templateId}", GetTemplate)
            .ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapPatch("/{templateId}", UpdateTemplate)
            .WithSummary("Changes the fields sent; owner only.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapDelete("/{templateId}", DeleteTemplate)
            .WithSummary("Deletes a template; owner only.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapPost("/{templateId}/use", UseTemplate)
            .WithSummary("Records a use of the template (usage_count + 1, last_used = now) and returns it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<TemplateListResponse>, ValidationProblem>> ListTemplates(
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "user_id")] string? userId,
        [FromQuery] string? tag,
        RequestIdentity identity,
        ITemplateRepository templates,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var result = await templates.ListAsync(identity.TenantId, new TemplateQuery(userId, tag), request, cancellationToken);
        return TypedResults.Ok(TemplateListResponse.From(result));
    }

    public static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> GetTemplate(
        string templateId, RequestIdentity identity, ITemplateRepository templates, CancellationToken cancellationToken)
        => await templates.GetAsync(identity.TenantId, templateId, cancellationToken) is { } template
            ? TypedResults.Ok(TemplateResponse.From(template))
            : TemplateProblems.NotFound(templateId);

    public static async Task<Results<Created<TemplateResponse>, ValidationProblem, ProblemHttpResult>> CreateTemplate(
        CreateTemplateRequest request,
        RequestIdentity identity,
        ITemplateRepository templates,
        TimeProvider clock,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = TemplateRules.Validate(request.TemplateId, request.Name, request.Description, request.Tags, requireName: true);
        ResourceIds.RequireAddressable(errors, "template_id", request.TemplateId);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var now = UtcTime.Now(clock);
        var template = new InvestigationTemplate
        {
            TemplateId = request.TemplateId ?? Guid.NewGuid().ToString(),
            UserId = identity.UserId,
            TenantId = identity.TenantId,
            Name = request.Name!,
            Description = request.Description,
            Tags = request.Tags?.Select(tag => tag!).ToList() ?? [],
            Template = request.Template?.WithDefaults() ?? new TemplateBody(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await templates.CreateAsync(template, cancellationToken) switch
        {
            Outcome<InvestigationTemplate>.Ok(var created) => TypedResults.Created(
                ResourceLocation.Child(http.Request, created.TemplateId),
                TemplateResponse.From(created)),
            Outcome<InvestigationTemplate>.Duplicate(var key) => TemplateProblems.Duplicate(key, key == "name" ? template.Name : template.TemplateId),
            var other => throw ApiProblems.Unexpected(other),
        };
    }

    public static async Task<Results<Ok<TemplateResponse>, ValidationProblem, ProblemHttpResult>> UpdateTemplate(
        string templateId,
        UpdateTemplateRequest request,
        RequestIdentity identity,
        ITemplateRepository templates,
        CancellationToken cancellationToken)
    {
        var errors = TemplateRules.Validate(templateId: null, request.Name, request.Description, request.Tags, requireName: false);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        if (await templates.GetAsync(identity.TenantId, templateId, cancellationToken) is not { } stored) return TemplateProblems.NotFound(templateId);
        if (stored.UserId != identity.UserId) return TemplateProblems.NotOwner(templateId);

        return await templates.UpdateAsync(identity.TenantId, templateId, request.ToPatch(), cancellationToken) switch
        {
            Outcome<InvestigationTemplate>.Ok(var updated) => TypedResults.Ok(TemplateResponse.From(updated)),
            Outcome<InvestigationTemplate>.NotFound => TemplateProblems.NotFound(templateId),
            Outcome<InvestigationTemplate>.Duplicate(var key) => TemplateProblems.Duplicate(key, request.Name ?? stored.Name),
            var other => throw ApiProblems.Unexpected(other),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTemplate(
        string templateId, RequestIdentity identity, ITemplateRepository templates, CancellationToken cancellationToken)
    {
        if (await templates.GetAsync(identity.TenantId, templateId, cancellationToken) is not { } stored) return TemplateProblems.NotFound(templateId);
        if (stored.UserId != identity.UserId) return TemplateProblems.NotOwner(templateId);
        return await templates.DeleteAsync(identity.TenantId, templateId, cancellationToken)
            ? TypedResults.NoContent()
            : TemplateProblems.NotFound(templateId);
    }

    public static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> UseTemplate(
        string templateId, RequestIdentity identity, ITemplateRepository templates, TimeProvider clock, CancellationToken cancellationToken)
        => await templates.RecordUsageAsync(identity.TenantId, templateId, UtcTime.Now(clock), cancellationToken) switch
        {
            Outcome<InvestigationTemplate>.Ok(var used) => TypedResults.Ok(TemplateResponse.From(used)),
            Outcome<InvestigationTemplate>.NotFound => TemplateProblems.NotFound(templateId),
            var other => throw ApiProblems.Unexpected(other),
        };
}
