using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Transitions;

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
        [AsParameters] TemplateServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "user_id")] string? userId,
        [FromQuery] string? tag,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        if (!errors.IsEmpty) return errors.ToProblem();

        var result = await services.Templates.ListAsync(services.Identity.TenantId, new TemplateQuery(userId, tag), request, cancellationToken);
        return TypedResults.Ok(TemplateListResponse.From(result));
    }

    public static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> GetTemplate(
        string templateId, [AsParameters] TemplateServices services, CancellationToken cancellationToken)
        => await services.Templates.GetAsync(services.Identity.TenantId, templateId, cancellationToken) is { } template
            ? TypedResults.Ok(TemplateResponse.From(template))
            : TemplateProblems.NotFound(templateId);

    public static async Task<Results<Created<TemplateResponse>, ValidationProblem, ProblemHttpResult>> CreateTemplate(
        CreateTemplateRequest request,
        [AsParameters] TemplateServices services,
        CancellationToken cancellationToken)
    {
        var errors = TemplateRules.Validate(request.TemplateId, request.Name, request.Description, request.Tags, requireName: true);
        ResourceIds.RequireAddressable(errors, "template_id", request.TemplateId);
        if (!errors.IsEmpty) return errors.ToProblem();

        var now = UtcTime.Now(services.Clock);
        var template = new InvestigationTemplate
        {
            TemplateId = request.TemplateId ?? Guid.NewGuid().ToString(),
            UserId = services.Identity.UserId,
            TenantId = services.Identity.TenantId,
            Name = request.Name!,
            Description = request.Description,
            Tags = request.Tags?.Select(tag => tag!).ToList() ?? [],
            Template = request.Template?.WithDefaults() ?? new TemplateBody(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var outcome = await services.Templates.CreateAsync(template, cancellationToken);
        return outcome is Outcome<InvestigationTemplate>.Ok(var created)
            ? TypedResults.Created(ResourceLocation.Child(services.HttpContext.Request, created.TemplateId), TemplateResponse.From(created))
            : TemplateProblems.For(outcome, template.TemplateId, template.Name);
    }

    public static async Task<Results<Ok<TemplateResponse>, ValidationProblem, ProblemHttpResult>> UpdateTemplate(
        string templateId,
        UpdateTemplateRequest request,
        [AsParameters] TemplateServices services,
        CancellationToken cancellationToken)
    {
        var errors = TemplateRules.Validate(templateId: null, request.Name, request.Description, request.Tags, requireName: false);
        if (!errors.IsEmpty) return errors.ToProblem();

        var outcome = await services.Templates.UpdateAsync(
            services.Identity.TenantId, templateId, new TemplateWriteGuard(services.Identity.UserId), request.ToPatch(), cancellationToken);
        return outcome is Outcome<InvestigationTemplate>.Ok(var updated)
            ? TypedResults.Ok(TemplateResponse.From(updated))
            : TemplateProblems.For(outcome, templateId, request.Name);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTemplate(
        string templateId, [AsParameters] TemplateServices services, CancellationToken cancellationToken)
    {
        var outcome = await services.Templates.DeleteAsync(
            services.Identity.TenantId, templateId, new TemplateWriteGuard(services.Identity.UserId), cancellationToken);
        return outcome.IsOk ? TypedResults.NoContent() : TemplateProblems.For(outcome, templateId, name: null);
    }

    public static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> UseTemplate(
        string templateId, [AsParameters] TemplateServices services, CancellationToken cancellationToken)
    {
        var outcome = await services.Templates.RecordUsageAsync(services.Identity.TenantId, templateId, UtcTime.Now(services.Clock), cancellationToken);
        return outcome is Outcome<InvestigationTemplate>.Ok(var used)
            ? TypedResults.Ok(TemplateResponse.From(used))
            : TemplateProblems.For(outcome, templateId, name: null);
    }
}
