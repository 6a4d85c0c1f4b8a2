using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Migration;
using Olorin.Migration.Preflight;
using Olorin.Persistence.Postgres;
using Olorin.Testing;

namespace Olorin.Migration.Tests;

/// <summary>A throw-away PostgreSQL database with the schema, composed as a migration endpoint (every port).</summary>
public sealed class PostgresEndpoint : IAsyncDisposable
{
    private readonly PostgresTestDatabase database;
    private readonly ServiceProvider services;

    private PostgresEndpoint(PostgresTestDatabase database, ServiceProvider services)
    {
        this.database = database;
        this.services = services;
        Endpoint = new MigrationEndpoint(PostgresPersistence.BackendName, database.Name, services, TargetLimits.PostgreSql);
    }

    public MigrationEndpoint Endpoint { get; }
    public IServiceProvider Services => services;
    public string ConnectionString => database.ConnectionString;

    /// <summary>The database as a <c>postgresql://</c> URL, as an operator passes it to <c>--from</c>/<c>--to</c>.</summary>
    public string Url
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            return $"postgresql://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{b.Database}";
        }
    }

    /// <param name="clock">The store's clock (repositories, the outbox's back-off); the system clock unless a test drives one.</param>
    public static async Task<PostgresEndpoint> CreateAsync(bool migrate = true, TimeProvider? clock = null)
    {
        var database = await PostgresTestDatabase.CreateAsync();
        var services = new ServiceCollection().AddLogging().AddSingleton(clock ?? TimeProvider.System)
            .AddPostgresPersistence(database.ConnectionString).BuildServiceProvider();
        if (migrate) await services.MigratePostgresAsync();
        return new PostgresEndpoint(database, services);
    }

    public async Task<long> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await database.DisposeAsync();
    }
}
