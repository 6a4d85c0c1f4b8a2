using Microsoft.Extensions.DependencyInjection;
using Olorin.Migration.Diagnostics;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Schema;

namespace Olorin.Cli.Cli;

/// <summary>
/// A PostgreSQL target prepared up to the schema's commit (<see cref="StagedSchema"/>): <c>migrate</c> stages it while
/// the preflight reads the source, then commits it once the preflight passed, or abandons it (the target is left as
/// it was found) when the preflight found what the target cannot hold. An abandoned or failed staging closes what it
/// built; a committed one hands its provider to the <see cref="OpenedEndpoint"/> it returns.
/// </summary>
public sealed class StagedTarget
{
    private readonly EndpointSpec spec;
    private readonly string role;
    private readonly ServiceProvider provider;
    private readonly StagedSchema schema;

    private StagedTarget(EndpointSpec spec, string role, ServiceProvider provider, StagedSchema schema)
    {
        this.spec = spec;
        this.role = role;
        this.provider = provider;
        this.schema = schema;
    }

    /// <summary>Builds the provider, creates the database when missing and applies the script to an empty one, uncommitted.</summary>
    public static async Task<StagedTarget> StageAsync(EndpointSpec spec, string role, CancellationToken cancellationToken)
    {
        var provider = PostgresPersistence.BuildStoreProvider(spec.PostgresConnection!);
        try
        {
            Timeline.Mark($"{role}: provider built");
            var schema = await PostgresSchemaScript.StageAsync(provider, spec.PostgresConnection, cancellationToken, step => Timeline.Mark($"{role}: {step}"));
            return new StagedTarget(spec, role, provider, schema);
        }
        catch (Exception ex)
        {
            await provider.DisposeAsync();
            if (OpenedEndpoint.Refusal(ex, spec, role, "prepare") is { } refusal) throw refusal;
            throw;
        }
    }

    /// <summary>Commits the schema (or runs the migrations pipeline on a database that was not empty) and connects.</summary>
    public async Task<OpenedEndpoint> CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using (schema)
                Timeline.Mark($"{role}: schema {(await schema.CommitAsync(cancellationToken, step => Timeline.Mark($"{role}: {step}")) ? "applied by one script (empty target)" : "migrations pipeline")}");
            return await OpenedEndpoint.ConnectedAsync(spec, provider, cancellationToken);
        }
        catch (Exception ex)
        {
            await provider.DisposeAsync();
            if (OpenedEndpoint.Refusal(ex, spec, role, "prepare") is { } refusal) throw refusal;
            throw;
        }
    }

    /// <summary>Rolls the schema back, drops a database staging created, and closes the provider.</summary>
    public async Task AbandonAsync()
    {
        try
        {
            await schema.AbandonAsync(CancellationToken.None);
        }
        finally
        {
            await provider.DisposeAsync();
        }
    }
}
