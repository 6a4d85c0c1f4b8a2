namespace Olorin.Server.Apis;

/// <summary>
/// How one resource is named in its ProblemDetails: <paramref name="Title"/> where it starts a sentence ("SOAR
/// execution 'x' was not found."), <paramref name="Noun"/> inside one ("An execution with execution_id 'x' already
/// exists.", "Only the owner of template 'x' …"). Each resource's <c>…Problems</c> class holds its own.
/// </summary>
internal sealed record ResourceNoun(string Title, string Noun)
{
    public ResourceNoun(string title) : this(title, title.ToLowerInvariant()) { }

    public ProblemHttpResult NotFound(string id) => ApiProblems.NotFound(Title, id);
}
