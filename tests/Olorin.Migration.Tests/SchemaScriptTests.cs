using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Schema;

namespace Olorin.Migration.Tests;

/// <summary>
/// The one-script preparation of an empty target (<see cref="PostgresSchemaScript"/>): the embedded script is EF's
/// own script of this build's migrations, and a database prepared by it is the database the migrations pipeline makes.
/// </summary>
public sealed class SchemaScriptTests
{
    private static ServiceProvider Offline() => PostgresPersistence.BuildStoreProvider("Host=127.0.0.1;Database=unused");

    [Fact]
    public async Task The_embedded_script_is_efs_script_of_this_builds_migrations()
    {
        await using var services = Offline();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        var generated = db.GetService<IMigrator>().GenerateScript();
        // Stale after a new migration: regenerate with
        //   dotnet ef migrations script --project src/Olorin.Persistence.Postgres --startup-project src/Olorin.Persistence.Postgres -o src/Olorin.Persistence.Postgres/Schema/migrations.sql
        // (until then the operator tools fall back to the migrations pipeline: slower, same result).
        Assert.Equal(Normalize(generated), Normalize(PostgresSchemaScript.Script));
        Assert.True(PostgresSchemaScript.Matches(db.Database.GetMigrations()));
        // The tools read this build's migrations without building EF's model: the same list, in the same order.
        Assert.Equal(db.Database.GetMigrations(), PostgresSchemaScript.BuildMigrations);
    }

    [Fact]
    public async Task A_missing_target_database_is_created_and_prepared_without_efs_model()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var migrated = await PostgresEndpoint.CreateAsync(migrate: true);
        var name = $"olorin_test_{Guid.NewGuid():N}";
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(Olorin.Testing.PostgresTestDatabase.Server) { Database = name }.ConnectionString;
        try
        {
            await using (var services = PostgresPersistence.BuildStoreProvider(connectionString))
                Assert.True(await PostgresSchemaScript.PrepareAsync(services, connectionString, cancellationToken));
            Assert.Equal(await CatalogAsync(migrated.ConnectionString), await CatalogAsync(connectionString));
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var admin = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(Olorin.Testing.PostgresTestDatabase.Server) { Database = "postgres" }.ConnectionString);
            await admin.OpenAsync(cancellationToken);
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    [Fact]
    public async Task An_empty_target_prepared_by_the_script_equals_one_prepared_by_the_migrations()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var scripted = await PostgresEndpoint.CreateAsync(migrate: false);
        await using var migrated = await PostgresEndpoint.CreateAsync(migrate: true);

        Assert.True(await PostgresSchemaScript.PrepareAsync(scripted.Services, cancellationToken));
        Assert.Equal(await CatalogAsync(migrated.ConnectionString), await CatalogAsync(scripted.ConnectionString));

        // Prepared once, the database is no longer empty: the pipeline finds nothing pending and the script is not run again.
        Assert.False(await PostgresSchemaScript.PrepareAsync(scripted.Services, cancellationToken));
        await using var scope = scripted.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<OlorinDbContext>().Database.GetPendingMigrationsAsync(cancellationToken));
    }

    private static string Normalize(string script) => script.TrimStart('\uFEFF').ReplaceLineEndings("\n").Trim();

    /// <summary>Tables, columns, constraints, indexes, functions, triggers, extensions and migration history, as text.</summary>
    private static async Task<string?> CatalogAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(CatalogSql, connection);
        return await command.ExecuteScalarAsync() as string;
    }

    private const string CatalogSql = """
        SELECT concat_ws(E'\n',
          (SELECT string_agg(format('%s.%s %s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid), a.attgenerated), E'\n' ORDER BY c.relname, a.attnum)
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped),
          (SELECT string_agg(format('%s %s', conname, pg_get_constraintdef(oid)), E'\n' ORDER BY conname)
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
          (SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'),
          (SELECT string_agg(format('%s %s', p.proname, md5(pg_get_functiondef(p.oid))), E'\n' ORDER BY p.proname, md5(pg_get_functiondef(p.oid)))
             FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'
               AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = p.oid AND dep.deptype = 'e')),
          (SELECT string_agg(format('%s %s', tgname, pg_get_triggerdef(oid)), E'\n' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal),
          (SELECT string_agg(format('%s %s', extname, extversion), E'\n' ORDER BY extname) FROM pg_extension),
          (SELECT string_agg(format('%s %s', relname, relkind), E'\n' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace),
          (SELECT string_agg(migration_id, E'\n' ORDER BY migration_id) FROM __ef_migrations_history))
        """;
}
