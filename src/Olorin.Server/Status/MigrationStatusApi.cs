using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Olorin.Authentication;
using Olorin.Core.Phases;
using Olorin.Core.Serialization;
using Olorin.Server.Identity;
using Olorin.Server.Migration;

namespace Olorin.Server.Status;

/// <summary>
/// <c>/status/migration</c>: the phase, one section per registered <see cref="IMigrationGateSource"/> (outbox,
/// shadow_reads, verification, …) and the verdict <c>safe_to_advance</c> with every reason against it. The gate is
/// this code: the runbook's advance step is "advance when <c>safe_to_advance</c> is true". Anonymous, like the other
/// monitoring endpoints, it shows the verdict, the reasons and the counts, never a document id (members marked
/// <see cref="DocumentIdsAttribute"/> are left out); <c>/status/migration/details</c> adds them and needs the
/// <c>read</c> scope: the caller's tenant's ids, every tenant's with the <c>admin</c> scope. Both only read: a GET changes nothing in either store.
/// </summary>
public static class MigrationStatusApi
{
    /// <summary>A source that does not answer within this is a reason against advancing, not a hung status page.</summary>
    public static readonly TimeSpan SourceTimeout = TimeSpan.FromSeconds(5);

    public const string DetailsPath = "/status/migration/details";

    /// <summary>The anonymous verdict, in the monitoring group.</summary>
    public static IEndpointRouteBuilder MapMigrationStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status/migration", GetMigrationStatus).WithTags("Status")
            .WithSummary("The migration phase, outbox, shadow reads and last verification (counts), and whether it is safe to advance to the next phase (with every reason when not). Document ids: /status/migration/details.");
        return app;
    }

    /// <summary>The same report with the ids of mismatching documents; map it inside the API group (read scope).</summary>
    public static IEndpointRouteBuilder MapMigrationStatusDetailsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(DetailsPath, GetMigrationStatusDetails).WithTags("Status")
            .WithSummary("/status/migration with the tenant and id of each mismatching document (shadow reads, last verification) of the caller's tenant; needs the read scope. With the admin scope: every tenant's, or the one named by ?tenant=.");
        return app;
    }

    public static Task<Ok<MigrationStatusResponse>> GetMigrationStatus(
        IServiceProvider services, IEnumerable<IMigrationGateSource> sources, IOptions<JsonOptions> json, TimeProvider clock, CancellationToken cancellationToken)
        => BuildAsync(services, sources, WithoutDocumentIds(json.Value.SerializerOptions), clock, cancellationToken);

    /// <summary>
    /// The report with document ids, narrowed to the caller's tenant (<see cref="MigrationDetailsScope"/>) unless the token
    /// has the <c>admin</c> scope; <paramref name="tenant"/> (<c>?tenant=</c>) picks one tenant, and naming another
    /// tenant than the caller's without <c>admin</c> is a 403.
    /// </summary>
    public static async Task<Results<Ok<MigrationStatusResponse>, ProblemHttpResult>> GetMigrationStatusDetails(
        HttpContext http, IRequestIdentityResolver identities, string? tenant,
        IServiceProvider services, IEnumerable<IMigrationGateSource> sources, IOptions<JsonOptions> json, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = identities.Resolve(http).TenantId;
        var admin = http.User.HasClaim(OlorinClaimTypes.Scope, OlorinScopes.Admin);
        if (!string.IsNullOrEmpty(tenant) && tenant != caller && !admin)
            return Apis.ApiProblems.Forbidden($"Only a token with the '{OlorinScopes.Admin}' scope sees the document ids of another tenant than its own ('{caller}').");
        var scope = !string.IsNullOrEmpty(tenant) ? tenant : admin ? null : caller;
        var options = scope is null ? json.Value.SerializerOptions : MigrationDetailsScope.For(json.Value.SerializerOptions, scope);
        return await BuildAsync(services, sources, options, clock, cancellationToken);
    }

    private static async Task<Ok<MigrationStatusResponse>> BuildAsync(
        IServiceProvider services, IEnumerable<IMigrationGateSource> sources, JsonSerializerOptions serializer, TimeProvider clock, CancellationToken cancellationToken)
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
            sections[section] = JsonSerializer.SerializeToElement(report.Details, report.Details.GetType(), serializer);
            reasons.AddRange(report.Blockers.Select(b => $"{section}: {b}"));
        }
        return TypedResults.Ok(new MigrationStatusResponse
        {
            Phase = topology.Phase.WireName(), PrimaryBackend = topology.PrimaryBackend, SecondaryBackend = topology.SecondaryBackend,
            SafeToAdvance = reasons.Count == 0, Reasons = reasons, CheckedAt = UtcTime.Now(clock), Sections = sections,
        });
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Anonymous = new();

    /// <summary>The host's JSON options, minus every member marked <see cref="DocumentIdsAttribute"/>.</summary>
    private static JsonSerializerOptions WithoutDocumentIds(JsonSerializerOptions options)
        => Anonymous.GetValue(options, static source =>
        {
            var copy = new JsonSerializerOptions(source);
            copy.TypeInfoResolver = (source.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                .WithAddedModifier(static info =>
                {
                    foreach (var property in info.Properties)
                        if (property.AttributeProvider?.IsDefined(typeof(DocumentIdsAttribute), inherit: true) == true)
                            property.ShouldSerialize = static (_, _) => false;
                });
            copy.MakeReadOnly();
            return copy;
        });

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
