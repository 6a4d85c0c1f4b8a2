namespace Olorin.Core.Errors;

/// <summary>
/// The typed result of a repository write: the document, or why there is none. Adapters never throw
/// for these expected cases; the HTTP layer maps each case to a status code.
/// </summary>
public abstract record Outcome<T>
{
    private Outcome() { }

    public sealed record Ok(T Value) : Outcome<T>
    {
        // Declared explicitly: the inherited Outcome<T>.Value would otherwise stop the record from generating it,
        // and Outcome<T>.Value (which reads ok.Value) would call itself forever.
        public new T Value { get; } = Value;
    }

    /// <summary>No document with that id in that tenant.</summary>
    public sealed record NotFound : Outcome<T>;

    /// <summary>The caller's expected version is not the stored one (or the race was lost).</summary>
    public sealed record VersionConflict(int CurrentVersion) : Outcome<T>;

    /// <summary>A unique key is taken; <paramref name="Key"/> names it (e.g. <c>investigation_id</c>).</summary>
    public sealed record Duplicate(string Key) : Outcome<T>;

    /// <summary>The document exists but is in a state that forbids the change (e.g. a finished execution).</summary>
    public sealed record InvalidState(string Reason) : Outcome<T>;

    /// <summary>The document exists but the caller may not change it (not its owner); nothing was written.</summary>
    public sealed record Forbidden : Outcome<T>;

    /// <summary>A caller's condition on the stored document (e.g. the hash of an If-Match ETag) does not hold; nothing was written.</summary>
    public sealed record PreconditionFailed : Outcome<T>;

    public bool IsOk => this is Ok;

    /// <summary>The value of an <see cref="Ok"/>; throws otherwise (for tests and tools).</summary>
    public T Value => this is Ok ok ? ok.Value : throw new InvalidOperationException($"Outcome is {GetType().Name}, not Ok.");
}

public static class Outcome
{
    public static Outcome<T> Ok<T>(T value) => new Outcome<T>.Ok(value);
    public static Outcome<T> NotFound<T>() => new Outcome<T>.NotFound();
    public static Outcome<T> VersionConflict<T>(int currentVersion) => new Outcome<T>.VersionConflict(currentVersion);
    public static Outcome<T> Duplicate<T>(string key) => new Outcome<T>.Duplicate(key);
    public static Outcome<T> InvalidState<T>(string reason) => new Outcome<T>.InvalidState(reason);
    public static Outcome<T> Forbidden<T>() => new Outcome<T>.Forbidden();
    public static Outcome<T> PreconditionFailed<T>() => new Outcome<T>.PreconditionFailed();
}
