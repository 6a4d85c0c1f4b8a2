namespace Olorin.Server.Apis;

/// <summary>The one way a handler answers invalid input: 400 ValidationProblem, each message under its snake_case field.</summary>
internal static class ValidationResults
{
    public static ValidationProblem ToProblem(this ValidationErrors errors) => TypedResults.ValidationProblem(errors.ToDictionary());

    /// <summary>A 400 for one field.</summary>
    public static ValidationProblem Invalid(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return errors.ToProblem();
    }
}
