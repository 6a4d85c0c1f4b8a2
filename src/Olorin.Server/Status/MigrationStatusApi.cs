using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Olorin.Core.Phases;
using Olorin.Core.Serialization;
using Olorin.Server.Migration;

namespace Olorin.Server.Status;

/// <summary>
/// <c>/status/migration</c>: the phase, one section per registered <see cref="IMigrationGateSource"/> (outbox,
/// shadow_reads, verification, …) and the verdict <c>safe_to_advance</c> with every reason against it. The gate is
/// this code: the runbook's advance step is "advance when <c>safe_to_advance</c> is true".
/// </summary>
public static class MigrationStatusApi
{
    /// <summary>A source that does not answer within this is a reason against advancing, not a hung status page.</summary>
    public static readonly TimeSpan SourceTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapMigrationStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status/migration", GetMigrationStatus).WithTags("Status")
            .WithSummary("The migration phase, outbox, shadow reads and last verification, and whether it is safe to advance to the next phase (with every reason when not).");
        return app;
    }

    public static async Task<Ok<MigrationStatusResponse>> GetMigrationStatus(
        IServiceProvider services, IEnumerable<IMigrationGateSource> sources, IOptions<JsonOptions> json, TimeProvider clock, CancellationToken cancellationToken)
    {
        var topology = MigrationTopologies.Current(services);
        var reasons = new List<string>();
        if (!topology.Phase.HasSecondary())
            reasons.Add(topology.Phase == MigrationPhase.Mongo
                ? "phase mongo is the last phase: there is nothing to advance to"
                : "phase postgres has no secondary store to compare: nothing to advance from (the step to dual is not gated; see docs/operations.md)");

        var reports = await Task.WhenAll(sources.Select(source => ReportAsync(source, cancellationToken)));
        var sections = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (section, report) in reports)
        {
            sections[section] = JsonSerializer.SerializeToElement(report.Details, report.Details.GetType(), json.Value.SerializerOptions);
            reasons.AddRange(report.Blockers.Select(b => $"{section}: {b}"));
        }
        return TypedResults.Ok(new MigrationStatusResponse
        {
            Phase = topology.Phase.WireName(), PrimaryBackend = topology.PrimaryBackend, SecondaryBackend = topology.SecondaryBackend,
            SafeToAdvance = reasons.Count == 0, Reasons = reasons, CheckedAt = UtcTime.Now(clock), Sections = sections,
        });
    }

    private static async Task<(string Section, MigrationGateReport Report)> ReportAsync(IMigrationGateSource source, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(SourceTimeout);
        try
        {
            return (source.Section, await source.ReportAsync(deadline.Token).WaitAsync(deadline.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (source.Section, new MigrationGateReport(new { error = "no answer" },
                [$"did not answer within {SourceTimeout.TotalSeconds:0} s"]));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = Logging.SecretRedactor.Redact(ex.Message);
            return (source.Section, new MigrationGateReport(new { error }, [$"could not report: {error}"]));
        }
    }
}

/// <summary>The answer of <c>/status/migration</c>; one extra member per gate source.</summary>
public sealed class MigrationStatusResponse
{
    /// <summary><c>postgres</c>, <c>dual</c>, <c>mongo_primary</c> or <c>mongo</c>.</summary>
    public required string Phase { get; init; }

    /// <summary>The store that decides every write and serves reads.</summary>
    public required string PrimaryBackend { get; init; }

    /// <summary>The store that receives the captured changes; null in the single-store phases.</summary>
    public required string? SecondaryBackend { get; init; }

    /// <summary>True only when no section gives a reason against advancing.</summary>
    public required bool SafeToAdvance { get; init; }

    /// <summary>Every reason against advancing, each prefixed by its section.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    public required DateTime CheckedAt { get; init; }

    /// <summary>One member per gate source (<c>outbox</c>, <c>shadow_reads</c>, <c>verification</c>, …).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Sections { get; init; } = [];
}
