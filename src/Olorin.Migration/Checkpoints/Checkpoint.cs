using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;

namespace Olorin.Migration.Checkpoints;

/// <summary>
/// Where a copy or a verification of one collection stands, stored on the target after every batch
/// (<see cref="IMigrationStateStore"/>): a rerun resumes after <see cref="Cursor"/> with the counters so far.
/// </summary>
public sealed record Checkpoint
{
    public const string Running = "running";
    public const string Complete = "complete";

    public string State { get; init; } = Running;
    public string RunId { get; init; } = "";
    public string Source { get; init; } = "";
    public string? Cursor { get; init; }
    public long Copied { get; init; }
    public long Skipped { get; init; }
    public long Failed { get; init; }
    public double ElapsedSeconds { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    /// <summary>
    /// Copy only: the target's secondary indexes set aside for the load (<see cref="Olorin.Core.Ports.IBulkLoadIndexes"/>),
    /// kept here until they are built again, so a run killed in between restores them when resumed or restarted.
    /// </summary>
    public string? DeferredIndexes { get; init; }

    /// <summary>Copy only: seconds spent building the deferred indexes after the load.</summary>
    public double IndexSeconds { get; init; }

    /// <summary>Verification only: the results so far (ranges, mismatches), so a resumed verification reports them all.</summary>
    public JsonElement? Results { get; init; }

    [JsonIgnore] public bool IsRunning => State == Running;
}

/// <summary>Reads and writes <see cref="Checkpoint"/>s named <c>{kind}/{collection}</c> on an endpoint.</summary>
public sealed class CheckpointStore(MigrationEndpoint endpoint, string kind)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private IMigrationStateStore Store => endpoint.Services.GetRequiredService<IMigrationStateStore>();

    public async Task<Checkpoint?> GetAsync(string collection, CancellationToken cancellationToken)
        => await Store.GetAsync(Name(collection), cancellationToken) is { } json ? JsonSerializer.Deserialize<Checkpoint>(json, Json) : null;

    /// <summary>Every checkpoint of this kind, by collection, read in one round trip.</summary>
    public async Task<IReadOnlyDictionary<string, Checkpoint>> ListAsync(CancellationToken cancellationToken)
        => (await Store.ListAsync(kind + "/", cancellationToken))
            .ToDictionary(s => s.Key[(kind.Length + 1)..], s => JsonSerializer.Deserialize<Checkpoint>(s.Value, Json)!, StringComparer.Ordinal);

    public Task PutAsync(string collection, Checkpoint checkpoint, CancellationToken cancellationToken)
        => Store.PutAsync(Name(collection), JsonSerializer.Serialize(checkpoint, Json), cancellationToken);

    public Task ClearAsync(CancellationToken cancellationToken) => Store.DeleteAsync(kind + "/", cancellationToken);

    private string Name(string collection) => $"{kind}/{collection}";
}
