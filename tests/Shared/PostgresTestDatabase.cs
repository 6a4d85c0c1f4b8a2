using Npgsql;

namespace Olorin.Testing;

/// <summary>
/// A throw-away PostgreSQL database on the local test server (provisioned by scripts/test.sh), dropped on dispose.
/// The server is taken from <c>OLORIN_TEST_POSTGRES</c> (an Npgsql connection string without a database).
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=olorin;Password=olorin";

    private PostgresTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static string Server => Environment.GetEnvironmentVariable("OLORIN_TEST_POSTGRES") is { Length: > 0 } s ? s : DefaultServer;

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var name = $"olorin_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(AdminConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(Server) { Database = name };
        return new PostgresTestDatabase(name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString());
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static string AdminConnectionString()
        => new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString;
}
