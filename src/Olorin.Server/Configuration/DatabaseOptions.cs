using Olorin.Persistence.Postgres.Settings;

namespace Olorin.Server.Configuration;

/// <summary>The PostgreSQL database: the connection from <c>DATABASE_URL</c> or <c>ConnectionStrings:Postgres</c>, and section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Npgsql connection string, resolved by <see cref="PostgresConnectionString.Resolve"/>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending EF migrations at start-up; defaults to true in Development only.</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>
    /// Read eagerly, because the persistence adapter is composed from it before the host starts; an unusable value
    /// throws <see cref="OptionsValidationException"/> naming the variable.
    /// </summary>
    public static DatabaseOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(SectionName);
        bool migrate;
        try
        {
            migrate = section.GetValue<bool?>(nameof(MigrateOnStartup)) ?? environment.IsDevelopment();
        }
        catch (InvalidOperationException)
        {
            throw new OptionsValidationException(
                $"{SectionName}:{nameof(MigrateOnStartup)}", typeof(DatabaseOptions),
                [$"{SectionName}:{nameof(MigrateOnStartup)} must be true or false (was '{section[nameof(MigrateOnStartup)]}')."]);
        }
        return new DatabaseOptions { ConnectionString = PostgresConnectionString.Resolve(configuration), MigrateOnStartup = migrate };
    }
}
