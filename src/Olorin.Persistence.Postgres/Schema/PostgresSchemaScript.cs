using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
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

    // Two operator tools preparing the same empty database at once: the second waits, then finds it no longer empty.
    private const long AdvisoryLock = 0x4F4C4F52494E5343; // "OLORINSC"

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
    /// Prepares the target the way <see cref="PostgresPersistence.MigratePostgresAsync"/> does (creating the database
    /// when missing), by the script when the database is empty and the script is this build's. Returns whether the
    /// script was used.
    /// </summary>
    public static async Task<bool> PrepareAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
            if (Matches(db.Database.GetMigrations()))
            {
                var creator = db.GetService<IRelationalDatabaseCreator>();
                if (!await creator.ExistsAsync(cancellationToken)) await creator.CreateAsync(cancellationToken);
                var dataSource = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>();
                if (await ApplyToEmptyAsync(dataSource, cancellationToken))
                {
                    // The vector type is created by the script; connections opened before it do not know it yet.
                    await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                    await connection.ReloadTypesAsync(cancellationToken);
                    return true;
                }
            }
        }
        await services.MigratePostgresAsync(cancellationToken);
        return false;
    }

    /// <summary>In one transaction: when the current schema holds no relation, the whole script; otherwise nothing.</summary>
    private static async Task<bool> ApplyToEmptyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var probe = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({AdvisoryLock}); SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = current_schema()::regnamespace)",
            connection, transaction))
        await using (var reader = await probe.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(0)) return false; // not empty: the migrations pipeline decides what is pending
        }
        // EF writes one transaction per migration; here the whole script is one, so a killed run leaves nothing behind.
        await using (var apply = new NpgsqlCommand(WithoutTransactions(Script), connection, transaction) { CommandTimeout = 0 })
            await apply.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static string WithoutTransactions(string script) => TransactionStatement().Replace(script, "");

    [GeneratedRegex(@"^(START TRANSACTION|COMMIT);\r?$", RegexOptions.Multiline)]
    private static partial Regex TransactionStatement();

    [GeneratedRegex(@"INSERT INTO __ef_migrations_history \(migration_id, product_version\)\s+VALUES \('([^']+)'")]
    private static partial Regex HistoryInsert();
}
