using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Olorin.Core.Embeddings;
using Olorin.Core.Ports;
using Olorin.Embeddings;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Postgres;
using Spectre.Console;

namespace Olorin.Cli.Commands;

/// <summary>
/// <c>olorin embed --collection anomalies|investigations [--tenant t] [--batch-size n]</c>: computes the embeddings
/// documents lack with the server's model and texts (<see cref="EmbeddingBackfill"/>), in batches, printing progress.
/// Idempotent and resumable: only documents without an embedding are touched, so an interrupted run is simply run
/// again. The backend is the server's: MongoDB when ENABLE_MONGODB=true (MONGODB_URI, MONGODB_DATABASE, …), else
/// PostgreSQL (DATABASE_URL or ConnectionStrings__Postgres).
/// </summary>
public static class EmbedCommand
{
    public static Command Build()
    {
        var collection = new Option<string>("--collection")
        {
            Description = "Which documents to embed: anomalies or investigations.",
            Required = true,
        };
        collection.AcceptOnlyFromAmong("anomalies", "investigations");
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant (default: every tenant)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Documents per model run (default: EMBEDDING_BATCH_SIZE, else 32)." };

        var command = new Command("embed", "Computes the missing embeddings of anomalies or investigations (resumable, idempotent).")
        {
            collection, tenant, batchSize,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(collection) == "anomalies" ? EmbeddingCollection.Anomalies : EmbeddingCollection.Investigations,
            parse.GetValue(tenant), parse.GetValue(batchSize), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(EmbeddingCollection collection, string? tenant, int? batchSizeOption, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.Mongo.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var batchSize = batchSizeOption ?? configuration.GetValue<int?>("EMBEDDING_BATCH_SIZE") ?? 32;
        if (batchSize < 1)
        {
            AnsiConsole.MarkupLine("[red]--batch-size must be at least 1.[/]");
            return 2;
        }

        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        string target;
        try
        {
            target = await AddBackendAsync(services, configuration, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]olorin embed: {e.Message}[/]");
            return 1;
        }

        using var model = new MiniLmTextEmbedder(batchSize);
        services.AddSingleton<ITextEmbedder>(model);
        services.AddScoped<EmbeddingBackfill>();
        await using var provider = services.BuildServiceProvider();

        AnsiConsole.MarkupLineInterpolated($"Loading {EmbeddingModel.Name}…");
        if (!await model.WhenReadyAsync(cancellationToken))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]olorin embed: the model could not be loaded: {model.FailureReason}[/]");
            return 1;
        }

        var name = collection == EmbeddingCollection.Anomalies ? "anomalies" : "investigations";
        AnsiConsole.MarkupLineInterpolated($"Embedding {name} without an embedding in {target}{(tenant is null ? "" : $", tenant {tenant}")}, {batchSize} per batch (model loaded in {model.LoadTime!.Value.TotalSeconds:0.0} s).");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var scope = provider.CreateAsyncScope();
        var backfill = scope.ServiceProvider.GetRequiredService<EmbeddingBackfill>();
        var progress = new SynchronousProgress(p => AnsiConsole.MarkupLineInterpolated(
            $"  {p.Seen} seen, {p.Written} embedded, {p.Seen / Math.Max(started.Elapsed.TotalSeconds, 0.001):0.0} /s — last {p.LastKey?.TenantId}/{p.LastKey?.Id}"));
        var done = await backfill.RunAsync(collection, tenant, batchSize, progress, cancellationToken);
        AnsiConsole.MarkupLineInterpolated(
            $"[green]Done:[/] {done.Written} {name} embedded ({done.Seen - done.Written} skipped: changed meanwhile, embedded by someone else, or nothing to embed) in {started.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    /// <summary>Registers the repositories of the server's backend; returns a description of where they point (no secrets).</summary>
    private static async Task<string> AddBackendAsync(IServiceCollection services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (configuration.GetValue<bool>("ENABLE_MONGODB"))
        {
            var settings = MongoSettingsBinder.BindValidated(configuration);
            var started = await MongoStartup.ConnectAndBootstrapAsync(settings, NullLogger.Instance, cancellationToken);
            if (!started.Succeeded) throw new InvalidOperationException(started.Error);
            services.AddMongoPersistence(settings, started.Capabilities!);
            return $"MongoDB {settings.RedactedUri} database {settings.Database}";
        }

        var connectionString = PostgresConnection(configuration);
        services.AddPostgresPersistence(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>DATABASE_URL (<c>postgresql://user:password@host:port/database</c>), else ConnectionStrings:Postgres.</summary>
    private static string PostgresConnection(IConfiguration configuration)
    {
        if (configuration["DATABASE_URL"] is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgresql" or "postgres") || uri.Host.Length == 0)
                throw new FormatException("DATABASE_URL must look like postgresql://user:password@host:port/database.");
            var user = uri.UserInfo.Split(':', 2);
            return new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
                Username = Uri.UnescapeDataString(user[0]),
                Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
                Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            }.ConnectionString;
        }
        return configuration.GetConnectionString("Postgres") is { Length: > 0 } connectionString
            ? connectionString
            : throw new InvalidOperationException("No PostgreSQL database configured: set DATABASE_URL or ConnectionStrings__Postgres (or ENABLE_MONGODB=true with MONGODB_URI).");
    }

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<BackfillProgress> report) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => report(value);
    }
}
