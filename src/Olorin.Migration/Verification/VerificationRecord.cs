using System.Text.Json;
using Olorin.Core.Ports;
using Olorin.Migration.Collections;

namespace Olorin.Migration.Verification;

/// <summary>
/// The outcome of the last finished <c>verify-migration</c>, kept on the target database (next to the verifier's
/// checkpoints, in <see cref="IMigrationStateStore"/>) under <see cref="Name"/>, so that a server whose primary or
/// secondary store is that target can gate a phase change on it (<c>/status/migration</c>, section
/// <c>verification</c>). Descriptions carry no secrets (the tools' endpoint descriptions are redacted).
/// </summary>
public sealed record VerificationRecord
{
    /// <summary>Outside the checkpoints' <c>verify/</c> prefix, so <c>--restart</c> (which clears those) keeps it.</summary>
    public const string Name = "verification/last_run";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Every collection equal and every required index present on the target.</summary>
    public bool Clean { get; init; }

    public string Source { get; init; } = "";
    public string Target { get; init; } = "";
    public string SourceBackend { get; init; } = "";
    public string TargetBackend { get; init; } = "";
    public DateTime StartedAt { get; init; }
    public DateTime FinishedAt { get; init; }

    /// <summary>The collections the run compared (all of <see cref="MigrationCollections.Names"/> unless <c>--collections</c> narrowed it).</summary>
    public IReadOnlyList<string> Collections { get; init; } = [];

    public long Compared { get; init; }
    public long Missing { get; init; }
    public long Extra { get; init; }
    public long Different { get; init; }
    public IReadOnlyList<string> IndexProblems { get; init; } = [];

    /// <summary>The first differing documents, as the command listed them: <c>collection tenant/id kind [paths]</c>.</summary>
    [Olorin.Core.Phases.DocumentIds]
    public IReadOnlyList<string> Differences { get; init; } = [];

    /// <summary>Whether the run compared every collection the tools know.</summary>
    public bool CoversAllCollections => MigrationCollections.Names.All(Collections.Contains);

    public static VerificationRecord From(
        string source, string target, string sourceBackend, string targetBackend, DateTime startedAt, DateTime finishedAt,
        IReadOnlyList<CollectionVerification> results, IReadOnlyList<string> indexProblems, int keepDifferences = 20)
        => new()
        {
            Clean = results.All(r => r.Equal) && indexProblems.Count == 0,
            Source = source,
            Target = target,
            SourceBackend = sourceBackend,
            TargetBackend = targetBackend,
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            Collections = results.Select(r => r.Collection).ToList(),
            Compared = results.Sum(r => r.Compared),
            Missing = results.Sum(r => r.Missing),
            Extra = results.Sum(r => r.Extra),
            Different = results.Sum(r => r.Different),
            IndexProblems = indexProblems,
            Differences = results.SelectMany(r => r.Mismatches)
                .Select(m => $"{m.Collection} {LineTenant(m.TenantId)}/{m.Id} {m.Kind}{(m.Fields.Count > 0 ? " [" + string.Join(", ", m.Fields.Select(f => f.Path)) + "]" : "")}")
                .Take(keepDifferences).ToList(),
        };

    /// <summary>
    /// A tenant id as a difference line spells it: <c>%</c> and <c>/</c> percent-encoded, so the first <c>/</c> after the
    /// collection ends the tenant whatever its id holds (<c>acme/x</c> is <c>acme%2Fx</c>, never read as tenant <c>acme</c>).
    /// </summary>
    public static string LineTenant(string tenantId)
        => tenantId.AsSpan().IndexOfAny('%', '/') < 0 ? tenantId : tenantId.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);

    public Task SaveAsync(IMigrationStateStore store, CancellationToken cancellationToken = default)
        => store.PutAsync(Name, JsonSerializer.Serialize(this, Json), cancellationToken);

    /// <summary>The last recorded run on that store, or null when none was ever recorded there.</summary>
    public static async Task<VerificationRecord?> LoadAsync(IMigrationStateStore store, CancellationToken cancellationToken = default)
        => await store.GetAsync(Name, cancellationToken) is { } json ? JsonSerializer.Deserialize<VerificationRecord>(json, Json) : null;
}
