using Olorin.Core.Tenancy;

namespace Olorin.Core.Transitions;

/// <summary>
/// The guard of one investigation write, written once for both adapters: the version the caller read (null: any), the
/// owner the caller must be (null: any, e.g. the system user), and an optional check of the stored document (an
/// If-Match ETag's hash). Each adapter evaluates it on the stored row inside its write (locked on PostgreSQL, as the
/// filter of the conditional update on MongoDB) and refuses with <see cref="Refuse"/>, so the HTTP handler needs no
/// read of its own.
/// </summary>
public sealed record InvestigationWriteGuard(int? ExpectedVersion, string? Owner = null, Func<Investigation, bool>? Precondition = null)
{
    /// <summary>No condition: any version, any owner.</summary>
    public static InvestigationWriteGuard Any { get; } = new((int?)null);

    /// <summary>The guard of a write by <paramref name="identity"/>: the owner, unless the caller is the system user (Decision 8).</summary>
    public static InvestigationWriteGuard For(RequestIdentity identity, int? expectedVersion, Func<Investigation, bool>? precondition = null)
        => new(expectedVersion, identity.UserId == RequestIdentity.SystemUserId ? null : identity.UserId, precondition);

    /// <summary>An optimistic-locking guard only (the existing callers of the port: tools, workers, tests).</summary>
    public static implicit operator InvestigationWriteGuard(int expectedVersion) => new(expectedVersion);

    /// <summary>
    /// Why the write may not happen to <paramref name="stored"/>, in this order: not found, not the owner, another
    /// version, a failed precondition; null when it may.
    /// </summary>
    public Outcome<Investigation>? Refuse(Investigation? stored)
    {
        if (stored is null) return Outcome.NotFound<Investigation>();
        if (Owner is not null && stored.UserId != Owner) return Outcome.Forbidden<Investigation>();
        if (ExpectedVersion is { } version && stored.Version != version) return Outcome.VersionConflict<Investigation>(stored.Version);
        if (Precondition is { } holds && !holds(stored)) return Outcome.PreconditionFailed<Investigation>();
        return null;
    }
}
