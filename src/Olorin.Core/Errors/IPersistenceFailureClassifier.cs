namespace Olorin.Core.Errors;

/// <summary>
/// Implemented by each adapter: tells whether an exception its driver threw means "the database cannot be
/// reached right now" (down, refusing, timed out), which the HTTP layer answers with 503 instead of 500.
/// </summary>
public interface IPersistenceFailureClassifier
{
    /// <summary>The backend name reported to clients and in /health (e.g. <c>postgres</c>).</summary>
    string Backend { get; }

    bool IsUnavailable(Exception exception);
}
