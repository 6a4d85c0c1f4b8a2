namespace Olorin.Core.Validation;

/// <summary>Validation failures collected per field (snake_case wire path, e.g. <c>settings.entities[0].entity_type</c>).</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages)) _errors[field] = messages = [];
        messages.Add(message);
    }

    public IReadOnlyList<string> this[string field] => _errors.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>The shape ASP.NET Core's <c>ValidationProblem</c> expects.</summary>
    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
