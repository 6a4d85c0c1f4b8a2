using Olorin.Core.Phases;

namespace Olorin.Core.Ports;

/// <summary>
/// What the change relay needs from a store, for any of the ten collections (by the migration tools' collection
/// names), implemented once per backend: the current state of some documents, and version-guarded writes
/// (<see cref="VersionGuard"/>) and deletes. Documents are the Core models (<c>Investigation</c>, …).
/// </summary>
public interface IChangeTransferPort
{
    /// <summary>The stored documents among <paramref name="keys"/> (all of one collection); a key with no document is absent from the result.</summary>
    Task<IReadOnlyDictionary<ChangeKey, object>> ReadCurrentAsync(string collection, IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default);

    /// <summary>Writes the documents (all of one collection) by <paramref name="mode"/>; returns how many were written.</summary>
    Task<int> WriteAsync(string collection, IReadOnlyCollection<object> documents, ChangeWriteMode mode, CancellationToken cancellationToken = default);

    /// <summary>Deletes the documents with these keys (all of one collection) where they exist; returns how many were deleted.</summary>
    Task<int> DeleteAsync(string collection, IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default);
}
