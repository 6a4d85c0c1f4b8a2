using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Cli.Cli;
using Olorin.Persistence.Postgres;

namespace Olorin.Cli.Setup;

/// <summary>
/// <c>verify-setup --target postgres</c>: the seven checks' PostgreSQL equivalents — connection and version, the
/// ten tables, the model's indexes (with their columns), the schema migrations, pgvector (extension, vector(384)
/// column, HNSW cosine index), read/write permission (a scratch row inserted and rolled back), a latency probe.
/// </summary>
public static class PostgresSetupChecks
{
    public const int MinimumMajorVersion = 13;

    public static readonly string[] CheckNames = ["Connection", "Tables", "Indexes", "Migrations", "Vector Search", "Permissions", "Performance"];

    public static async Task<IReadOnlyList<SetupCheck>> RunAsync(EndpointSpec spec, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddPostgresPersistence(spec.PostgresConnection!).BuildServiceProvider();
        await using var _ = services;
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        SetupCheck connection;
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(cancellationToken);
            var version = probe.PostgreSqlVersion;
            connection = version.Major >= MinimumMajorVersion
                ? SetupCheck.Pass("Connection", $"Connected to PostgreSQL {version}")
                : SetupCheck.Fail("Connection", $"Connected to PostgreSQL {version}, but {MinimumMajorVersion} or later is required");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            connection = SetupCheck.Fail("Connection", $"Cannot connect to {spec.Description}: {CommandRunner.Redact(e.Message)}");
        }
        if (!connection.Passed)
            return [connection, .. CheckNames.Skip(1).Select(n => SetupCheck.Fail(n, "not checked: no connection to PostgreSQL"))];

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().ToList();
        var existing = await Strings(dataSource, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()", cancellationToken);
        var missingTables = tables.Where(t => !existing.Contains(t)).ToList();

        var indexes = await TargetIndexes.CheckPostgresAsync(services, Olorin.Migration.Collections.MigrationCollections.Names, cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Count();

        return
        [
            connection,
            missingTables.Count == 0
                ? SetupCheck.Pass("Tables", $"All {tables.Count} tables exist")
                : SetupCheck.Fail("Tables", $"{missingTables.Count} table(s) missing: apply the migrations (olorin migrate prepares an empty target)", missingTables),
            indexes.Problems.Count == 0
                ? SetupCheck.Pass("Indexes", $"All {indexes.Checked} required indexes verified (columns and uniqueness)")
                : SetupCheck.Fail("Indexes", $"{indexes.Problems.Count} index problem(s)", indexes.Problems),
            pending.Count == 0
                ? SetupCheck.Pass("Migrations", $"All {applied} schema migrations applied")
                : SetupCheck.Fail("Migrations", $"{pending.Count} migration(s) pending", pending),
            await VectorAsync(dataSource, cancellationToken),
            await PermissionsAsync(dataSource, cancellationToken),
            await PerformanceAsync(dataSource, cancellationToken),
        ];
    }

    private static async Task<SetupCheck> VectorAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if ((await Strings(dataSource, "SELECT extversion FROM pg_extension WHERE extname = 'vector'", cancellationToken)).Count == 0)
            problems.Add("extension 'vector' (pgvector) is not installed: CREATE EXTENSION vector");
        var type = await Strings(dataSource, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass('anomaly_events') AND attname = 'embedding'", cancellationToken);
        if (type is not ["vector(384)"]) problems.Add($"anomaly_events.embedding is {(type.Count == 0 ? "missing" : type[0])}, expected vector(384)");
        var hnsw = await Strings(dataSource, "SELECT indexdef FROM pg_indexes WHERE tablename = 'anomaly_events' AND indexdef ILIKE '%hnsw%vector_cosine_ops%'", cancellationToken);
        if (hnsw.Count == 0) problems.Add("no HNSW cosine index on anomaly_events.embedding");
        return problems.Count == 0
            ? SetupCheck.Pass("Vector Search", "Vector search ready (pgvector, embedding vector(384), HNSW cosine index)")
            : SetupCheck.Fail("Vector Search", "Vector search is not ready", problems);
    }

    private static async Task<SetupCheck> PermissionsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO detectors (detector_id, name, type, cohort_by, metrics, params, enabled, tenant_id, created_at, updated_at) " +
                "SELECT 'olorin-verify-setup', 'scratch', 'cusum', '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, false, 'olorin-verify-setup', now(), now() RETURNING detector_id",
                connection, transaction))
                await insert.ExecuteScalarAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return SetupCheck.Pass("Permissions", "Database user has read/write permissions (scratch row inserted and rolled back)");
        }
        catch (PostgresException e)
        {
            return SetupCheck.Fail("Permissions", $"Read/write failed: {e.MessageText} (grant SELECT, INSERT, UPDATE, DELETE on the tables)");
        }
    }

    private static async Task<SetupCheck> PerformanceAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            await Strings(dataSource, "SELECT investigation_id FROM investigation_states WHERE tenant_id = 'olorin-verify-setup' LIMIT 1", cancellationToken);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return MongoSetupChecks.LatencyCheck(samples);
    }

    private static async Task<List<string>> Strings(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetString(0));
        return values;
    }
}
