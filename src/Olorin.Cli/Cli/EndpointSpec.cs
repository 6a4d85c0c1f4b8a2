using Microsoft.Extensions.Configuration;
using Npgsql;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Postgres.Settings;

namespace Olorin.Cli.Cli;

public enum Backend { Postgres, MongoDb }

/// <summary>
/// Which database a command talks to, resolved from <c>--from</c>/<c>--to</c>/<c>--target</c> (a URL, or the word
/// <c>postgres</c>/<c>mongodb</c>) or else from the server's settings, with the server's own parsing
/// (<see cref="PostgresConnectionString"/>, <see cref="MongoSettingsBinder"/>).
/// </summary>
public sealed record EndpointSpec(Backend Backend, string Description, string? PostgresConnection, MongoSettings? Mongo)
{
    public static EndpointSpec Resolve(string? value, Backend defaultBackend, IConfiguration configuration, string option)
    {
        if (string.IsNullOrWhiteSpace(value) || value is "postgres" or "postgresql" or "mongodb" or "mongo")
        {
            var backend = value switch
            {
                "postgres" or "postgresql" => Backend.Postgres,
                "mongodb" or "mongo" => Backend.MongoDb,
                _ => defaultBackend,
            };
            return backend == Backend.Postgres ? FromPostgresSettings(configuration) : FromMongoSettings(configuration, null, null);
        }
        if (value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            string connectionString;
            try
            {
                connectionString = PostgresConnectionString.Resolve(new ConfigurationBuilder()
                    .AddInMemoryCollection([new(PostgresConnectionString.UrlVariable, value)]).Build());
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException ex)
            {
                throw new CliException($"{option}: {ex.Message.Replace(PostgresConnectionString.UrlVariable, option)}");
            }
            return Postgres(connectionString);
        }
        if (value.StartsWith("mongodb://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("mongodb+srv://", StringComparison.OrdinalIgnoreCase))
        {
            string? database;
            try
            {
                database = MongoDB.Driver.MongoUrl.Create(value).DatabaseName;
            }
            catch (Exception ex) when (ex is MongoDB.Driver.MongoConfigurationException or ArgumentException or FormatException)
            {
                throw new CliException($"{option}: not a valid MongoDB URL ({MongoUriRedactor.RedactText(ex.Message, value)}).");
            }
            return FromMongoSettings(configuration, value, database);
        }
        throw new CliException($"{option} must be postgresql://user:password@host:port/database or mongodb(+srv)://host/database (or the word postgres / mongodb for the configured one); got '{CommandRunner.Redact(value)}'.");
    }

    private static EndpointSpec FromPostgresSettings(IConfiguration configuration)
    {
        try
        {
            return Postgres(PostgresConnectionString.Resolve(configuration));
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    /// <summary>
    /// The server's defaults (5 s to connect, 30 s per command) answer an HTTP client quickly; an operator tool
    /// moving batches on a busy machine waits longer unless the URL says otherwise.
    /// </summary>
    private static EndpointSpec Postgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Timeout == PostgresConnectionString.DefaultConnectTimeoutSeconds) builder.Timeout = 30;
        if (builder.CommandTimeout == PostgresConnectionString.DefaultCommandTimeoutSeconds) builder.CommandTimeout = 600;
        connectionString = builder.ConnectionString;
        var description = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        return new(Backend.Postgres, description, connectionString, null);
    }

    private static EndpointSpec FromMongoSettings(IConfiguration configuration, string? uri, string? database)
    {
        MongoSettings settings;
        try
        {
            settings = MongoSettingsBinder.Bind(configuration);
        }
        catch (MongoSettingsException ex)
        {
            throw new CliException(string.Join(" ", ex.Failures));
        }
        if (uri is not null) settings = settings with { Uri = uri };
        if (!string.IsNullOrEmpty(database)) settings = settings with { Database = database };
        if (string.IsNullOrEmpty(settings.Uri))
            throw new CliException($"No MongoDB configured: pass a mongodb:// URL or set {MongoSettingsKeys.Uri} (and {MongoSettingsKeys.Database}).");
        var failures = MongoSettingsValidator.Check(settings);
        if (failures.Count > 0) throw new CliException(string.Join(" ", failures));
        return new(Backend.MongoDb, $"{settings.RedactedUri} (database {settings.Database})", null, settings);
    }
}
