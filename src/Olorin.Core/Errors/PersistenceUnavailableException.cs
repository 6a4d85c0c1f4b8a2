namespace Olorin.Core.Errors;

/// <summary>
/// The backing database cannot be reached (down, timed out, refusing connections). Adapters translate
/// their driver's connectivity errors into this so the HTTP layer answers 503 instead of 500.
/// </summary>
public sealed class PersistenceUnavailableException(string backend, Exception inner)
    : Exception($"The {backend} database is unavailable: {inner.Message}", inner)
{
    public string Backend { get; } = backend;
}
