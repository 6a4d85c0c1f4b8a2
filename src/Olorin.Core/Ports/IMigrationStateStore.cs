namespace Olorin.Core.Ports;

/// <summary>
/// Small named records (JSON text) that the migration tools keep <b>on the target database</b>: per-collection
/// checkpoints of a copy or a verification. Kept on the target, like mongosync's metadata, so that a rerun from any
/// machine resumes where a killed run stopped. Names are ordinal strings such as <c>copy/investigations</c>.
/// </summary>
public interface IMigrationStateStore
{
    /// <summary>The record's JSON, or null when there is none.</summary>
    Task<string?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the record.</summary>
    Task PutAsync(string name, string json, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every record whose name starts with <paramref name="prefix"/>, by name, in one round trip (a command reads all
    /// its collections' checkpoints at start: one query instead of one per collection). Empty when there is none.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Removes every record whose name starts with <paramref name="prefix"/>.</summary>
    Task DeleteAsync(string prefix, CancellationToken cancellationToken = default);
}
