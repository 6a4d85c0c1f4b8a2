namespace Olorin.Core.Validation;

/// <summary>What a client may send for an investigation template (DATA-MODEL.md §7).</summary>
public static class TemplateRules
{
    public const int MaxNameLength = 500;
    public const int MaxDescriptionLength = 2000;

    /// <param name="requireName">True on create, where name is required; an update may leave it out.</param>
    public static ValidationErrors Validate(string? templateId, string? name, string? description, IReadOnlyList<string?>? tags, bool requireName)
    {
        var errors = new ValidationErrors();
        FieldRules.Id(errors, "template_id", templateId);
        if (name is null && requireName) errors.Add("name", "name is required.");
        FieldRules.Length(errors, "name", name, 1, MaxNameLength);
        FieldRules.Length(errors, "description", description, 0, MaxDescriptionLength);
        for (var i = 0; i < (tags?.Count ?? 0); i++)
        {
            if (tags![i] is null) errors.Add($"tags[{i}]", $"tags[{i}] must be a string.");
        }
        return errors;
    }
}
