using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Olorin.Persistence.Postgres.Schema;

/// <summary>
/// The schema of an <b>empty</b> database in one round trip: every migration as the script
/// <c>dotnet ef migrations script</c> writes (<c>Schema/migrations.sql</c>, embedded), applied in one transaction.
/// EF's migrations pipeline does the same work in about three times the wall clock (it builds each migration's
/// target model, checks the model against the snapshot and commits each migration on its own), a fixed cost of every
/// <c>olorin migrate</c> into a fresh target. Used only when the script names exactly the migrations this build has
/// (<see cref="Matches"/>; a test keeps the file equal to EF's output) and the database holds no relation at all;
/// anything else goes through <see cref="PostgresPersistence.MigratePostgresAsync"/>. The script writes the
/// migrations history as EF does, so later migrations apply on top as usual.
/// </summary>
public static partial class PostgresSchemaScript
{
    public const string ResourceName = "Olorin.Persistence.Postgres.Schema.migrations.sql";

    /// <summary>
    /// Two operator tools preparing the same empty database at once: the second waits for this transaction-level
    /// advisory lock, then finds the database no longer empty. "OLORINSC".
    /// </summary>
    public const long AdvisoryLock = 0x4F4C4F52494E5343;

    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(PostgresSchemaScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The script as embedded (EF's output).</summary>
    public static string Script => Text.Value;

    /// <summary>The migrations the script applies, in order (read from its history inserts).</summary>
    public static IReadOnlyList<string> Migrations => HistoryInsert().Matches(Script).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Whether the script applies exactly <paramref name="migrations"/> (this build's, in order).</summary>
    public static bool Matches(IEnumerable<string> migrations) => Migrations.SequenceEqual(migrations, StringComparer.Ordinal);

    /// <summary>
    /// This build's migrations in the order EF applies them, read from the assembly as EF's migrations assembly reads
    /// them (types of <see cref="OlorinDbContext"/> with a <see cref="MigrationAttribute"/>, ordered by id), without
    /// building the EF model (a test keeps it equal to <c>Database.GetMigrations()</c>).
    /// </summary>
    public static IReadOnlyList<string> BuildMigrations { get; } = typeof(OlorinDbContext).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(OlorinDbContext))
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .Order(StringComparer.OrdinalIgnoreCase)
        .ToList();

    /// <summary>
    /// Prepares the target the way <see cref="PostgresPersistence.MigratePostgresAsync"/> does (creating the database
    /// when missing), by the script when the database is empty and the script is this build's. Returns whether the
    /// script was used. That path builds no EF model (about a CPU-second of every run's start): the database is
    /// created over a maintenance connection (<paramref name="connectionString"/> with database <c>postgres</c>, as
    /// EF's creator does) and the script runs over the data source.
    /// </summary>
    public static async Task<bool> PrepareAsync(IServiceProvider services, string? connectionString, CancellationToken cancellationToken = default, Action<string>? trace = null)
    {
        await using var staged = await StageAsync(services, connectionString, cancellationToken, trace);
        return await staged.CommitAsync(cancellationToken, trace);
    }

    /// <inheritdoc cref="PrepareAsync(IServiceProvider, string?, CancellationToken)"/>
    public static Task<bool> PrepareAsync(IServiceProvider services, CancellationToken cancellationToken = default)
        => PrepareAsync(services, null, cancellationToken);

    /// <summary>
    /// The first half of <see cref="PrepareAsync(IServiceProvider, string?, CancellationToken, Action{string}?)"/>: the
    /// database is created when missing and, when it is empty, the script is applied in a transaction left open, so
    /// that nothing of the schema is visible or kept until <see cref="StagedSchema.CommitAsync"/>; disposed without it,
    /// the script is rolled back (<see cref="StagedSchema.AbandonAsync"/> also drops a database it created). A
    /// database that is not empty is left as it is: the commit runs the migrations pipeline.
    /// </summary>
    public static async Task<StagedSchema> StageAsync(IServiceProvider services, string? connectionString, CancellationToken cancellationToken = default, Action<string>? trace = null)
    {
        if (!Matches(BuildMigrations)) return new StagedSchema(services, connectionString, createdDatabase: false, script: null);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var created = false;
        if (!await ExistsAsync(dataSource, cancellationToken))
        {
            created = await CreateDatabaseAsync(services, connectionString, cancellationToken);
            trace?.Invoke("database created");
        }
        var staged = new StagedSchema(services, connectionString, created, await ApplyToEmptyAsync(dataSource, cancellationToken));
        if (staged.Scripted) trace?.Invoke("script applied (not committed yet)");
        return staged;
    }

    private static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return false;
        }
    }

    /// <summary>
    /// CREATE DATABASE over a maintenance connection; without the connection string, through EF's creator. Returns
    /// whether this call created it (not when another tool did meanwhile).
    /// </summary>
    private static async Task<bool> CreateDatabaseAsync(IServiceProvider services, string? connectionString, CancellationToken cancellationToken)
    {
        if (connectionString is null)
        {
            await using var scope = services.CreateAsyncScope();
            var creator = scope.ServiceProvider.GetRequiredService<OlorinDbContext>().GetService<IRelationalDatabaseCreator>();
            if (await creator.ExistsAsync(cancellationToken)) return false;
            await creator.CreateAsync(cancellationToken);
            return true;
        }
        try
        {
            await OnMaintenanceConnectionAsync(connectionString, $"CREATE DATABASE {SqlIdentifier.Quote(DatabaseName(connectionString))}", cancellationToken);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return false; // another tool created it meanwhile: the advisory lock of the script decides who prepares it
        }
    }

    /// <summary>Runs one statement over an unpooled connection to the server's <c>postgres</c> database.</summary>
    internal static async Task OnMaintenanceConnectionAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The database a connection string connects to: its <c>Database</c>, else, as Npgsql does, the user name (its
    /// <c>Username</c>, else <c>PGUSER</c>, else the operating-system user).
    /// </summary>
    internal static string DatabaseName(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return builder.Database is { Length: > 0 } database ? database
            : builder.Username is { Length: > 0 } user ? user
            : Environment.GetEnvironmentVariable("PGUSER") is { Length: > 0 } variable ? variable
            : Environment.UserName;
    }

    /// <summary>
    /// In one transaction, when the current schema holds no relation: the whole script, the transaction left open
    /// (returned with its connection); otherwise nothing (null).
    /// </summary>
    private static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)?> ApplyToEmptyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var probe = new NpgsqlCommand(
                $"SELECT pg_advisory_xact_lock({AdvisoryLock}); SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = current_schema()::regnamespace)",
                connection, transaction))
            await using (var reader = await probe.ExecuteReaderAsync(cancellationToken))
            {
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                if (!reader.GetBoolean(0)) // not empty: the migrations pipeline decides what is pending
                {
                    await connection.DisposeAsync();
                    return null;
                }
            }
            // EF writes one transaction per migration; here the whole script is one, so a killed run leaves nothing behind.
            await using (var apply = new NpgsqlCommand(WithoutTransactions(Script), connection, transaction) { CommandTimeout = 0 })
                await apply.ExecuteNonQueryAsync(cancellationToken);
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static string WithoutTransactions(string script) => TransactionStatement().Replace(script, "");

    [GeneratedRegex(@"^(START TRANSACTION|COMMIT);\r?$", RegexOptions.Multiline)]
    private static partial Regex TransactionStatement();

    [GeneratedRegex(@"INSERT INTO __ef_migrations_history \(migration_id, product_version\)\s+VALUES \('([^']+)'")]
    private static partial Regex HistoryInsert();
}
