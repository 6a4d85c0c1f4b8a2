namespace Olorin.Core.Transitions;

/// <summary>
/// The guard of a template update or delete, written once for both adapters: the owner the caller must be (null: any,
/// for tools and tests). Each adapter renders it as the filter of its one conditional write (PostgreSQL
/// <c>UPDATE/DELETE … WHERE user_id = @owner</c>, MongoDB <c>findOneAndUpdate/findOneAndDelete</c> on
/// <c>user_id</c>) and, only when that write touched nothing, reads the template to say why with <see cref="Refuse"/>.
/// Unlike investigations, no system user is exempt: a template belongs to the person who saved it.
/// </summary>
public sealed record TemplateWriteGuard(string? Owner)
{
    /// <summary>No condition: any owner.</summary>
    public static TemplateWriteGuard Any { get; } = new((string?)null);

    /// <summary>Why the write may not happen to <paramref name="stored"/>: not found, or not the owner; null when it may.</summary>
    public Outcome<InvestigationTemplate>? Refuse(InvestigationTemplate? stored)
    {
        if (stored is null) return Outcome.NotFound<InvestigationTemplate>();
        if (Owner is not null && stored.UserId != Owner) return Outcome.Forbidden<InvestigationTemplate>();
        return null;
    }

    /// <summary>The outcome of a conditional write that touched nothing: the refusal, or NotFound when the template went away meanwhile.</summary>
    public Outcome<InvestigationTemplate> Explain(InvestigationTemplate? stored) => Refuse(stored) ?? Outcome.NotFound<InvestigationTemplate>();
}
