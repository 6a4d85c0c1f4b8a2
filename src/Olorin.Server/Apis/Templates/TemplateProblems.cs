namespace Olorin.Server.Apis.Templates;

/// <summary>The ProblemDetails answers of the templates API.</summary>
internal static class TemplateProblems
{
    public static readonly ResourceNoun Resource = new("Template");

    public static ProblemHttpResult NotFound(string templateId) => Resource.NotFound(templateId);

    /// <summary>A refused write of <paramref name="templateId"/>; a taken name is worded as the caller's own (names are unique per user).</summary>
    public static ProblemHttpResult For(Outcome<InvestigationTemplate> outcome, string templateId, string? name)
        => OutcomeProblems.For(outcome, Resource, templateId,
            duplicate: key => key == "name" ? ApiProblems.Conflict($"You already have a template named '{name}'.") : ApiProblems.Duplicate(Resource.Noun, key, templateId));
}
