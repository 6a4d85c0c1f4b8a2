using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Olorin.Migration;
using Olorin.Migration.Diagnostics;
using Olorin.Migration.Preflight;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Schema;

namespace Olorin.Cli.Cli;

/// <summary>A backend composed the way the server composes it (every port), ready for the migration engine.</summary>
public sealed class OpenedEndpoint : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private OpenedEndpoint(EndpointSpec spec, ServiceProvider services, string? serverVersion)
    {
        Spec = spec;
        this.services = services;
        ServerVersion = serverVersion;
        Endpoint = new MigrationEndpoint(
            spec.Backend == Backend.Postgres ? PostgresPersistence.BackendName : MongoPersistence.BackendName,
            spec.Description, services, spec.Backend == Backend.Postgres ? TargetLimits.PostgreSql : TargetLimits.MongoDb);
    }

    public EndpointSpec Spec { get; }
    public MigrationEndpoint Endpoint { get; }
    public string? ServerVersion { get; }
    public IServiceProvider Services => services;

    /// <summary>
    /// Connects. With <paramref name="prepare"/> an empty target is made ready first: PostgreSQL gets the schema
    /// migrations (the database is created when missing), MongoDB the bootstrap (collections, time series, indexes).
    /// An empty PostgreSQL target gets them as one script (<see cref="PostgresSchemaScript"/>).
    /// A MongoDB endpoint is always bootstrapped and its pending audit entries flushed, as the server does at start-up
    /// (idempotent). An opening that fails or is cancelled closes what it built (its provider, the pooled connections)
    /// before it throws, and a cancelled one never returns an endpoint: a caller that gives up owns nothing.
    /// </summary>
    public static Task<OpenedEndpoint> OpenAsync(EndpointSpec spec, string role, bool prepare, CancellationToken cancellationToken)
        => spec.Backend == Backend.Postgres
            ? OpenPostgresAsync(spec, role, prepare, cancellationToken)
            : OpenMongoAsync(spec, role, cancellationToken);

    private static async Task<OpenedEndpoint> OpenPostgresAsync(EndpointSpec spec, string role, bool prepare, CancellationToken cancellationToken)
    {
        // An empty target gets the schema as one script in one transaction (PostgresSchemaScript); any other
        // goes through EF's migrations pipeline, which applies what is pending.
        if (prepare) return await (await StagedTarget.StageAsync(spec, role, cancellationToken)).CommitAsync(cancellationToken);
        var provider = PostgresPersistence.BuildStoreProvider(spec.PostgresConnection!);
        try
        {
            Timeline.Mark($"{role}: provider built");
            return await ConnectedAsync(spec, provider, cancellationToken);
        }
        catch (Exception ex)
        {
            await provider.DisposeAsync();
            if (Refusal(ex, spec, role, "connect to") is { } refusal) throw refusal;
            throw;
        }
    }

    /// <summary>Opens one connection (the server's version), then the endpoint over <paramref name="provider"/>.</summary>
    internal static async Task<OpenedEndpoint> ConnectedAsync(EndpointSpec spec, ServiceProvider provider, CancellationToken cancellationToken)
    {
        string version;
        await using (var connection = await provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken))
            version = connection.PostgreSqlVersion.ToString();
        return Opened(spec, provider, version, cancellationToken);
    }

    /// <summary>The one-line error of a PostgreSQL endpoint that cannot be reached or prepared, or null for any other error.</summary>
    internal static CliException? Refusal(Exception ex, EndpointSpec spec, string role, string doing)
        => ex is NpgsqlException or TimeoutException or InvalidOperationException
            ? new CliException($"{role} {spec.Description}: cannot {doing} PostgreSQL: {CommandRunner.Redact(ex.Message)}")
            : null;

    private static async Task<OpenedEndpoint> OpenMongoAsync(EndpointSpec spec, string role, CancellationToken cancellationToken)
    {
        var settings = spec.Mongo!;
        var startup = await MongoStartup.ConnectAndBootstrapAsync(settings, NullLogger.Instance, cancellationToken);
        if (!startup.Succeeded) throw new CliException($"{role} {spec.Description}: {startup.Error}");
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddMongoPersistence(settings, startup.Capabilities!);
        var mongo = collection.BuildServiceProvider();
        try
        {
            // Audit entries still pending inside investigation documents (a server stopped between a write and the
            // move) are flushed into audit_log first, as the server does at start-up, so the export of investigations
            // and audit_log sees every entry exactly once.
            await mongo.GetRequiredService<MongoAuditRelay>().ResumeAsync(cancellationToken);
            return Opened(spec, mongo, startup.Capabilities!.ServerVersion, cancellationToken);
        }
        catch (Exception ex)
        {
            await mongo.DisposeAsync();
            if (ex is MongoDB.Driver.MongoException or TimeoutException)
                throw new CliException($"{role} {spec.Description}: cannot flush pending audit entries: {CommandRunner.Redact(ex.Message)}");
            throw;
        }
    }

    /// <summary>The endpoint, unless the caller gave up meanwhile (then the caller's catch closes the provider).</summary>
    private static OpenedEndpoint Opened(EndpointSpec spec, ServiceProvider services, string? serverVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new OpenedEndpoint(spec, services, serverVersion);
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
