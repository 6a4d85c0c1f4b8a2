using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Olorin.Persistence.Postgres.Schema;

/// <summary>
/// A target prepared up to its commit (<see cref="PostgresSchemaScript.StageAsync"/>): the database exists, and when
/// it was empty the schema script has run in a transaction still open, so no other session sees any of it. The
/// migration tools stage the target while the source is read by the preflight and commit only once it passed.
/// </summary>
public sealed class StagedSchema : IAsyncDisposable
{
    private readonly IServiceProvider services;
    private readonly string? connectionString;
    private (NpgsqlConnection Connection, NpgsqlTransaction Transaction)? script;

    internal StagedSchema(IServiceProvider services, string? connectionString, bool createdDatabase, (NpgsqlConnection, NpgsqlTransaction)? script)
    {
        this.services = services;
        this.connectionString = connectionString;
        this.script = script;
        CreatedDatabase = createdDatabase;
    }

    /// <summary>Whether staging created the database (it did not exist).</summary>
    public bool CreatedDatabase { get; }

    /// <summary>Whether the schema is the script's, waiting for its commit; otherwise the commit runs EF's migrations pipeline.</summary>
    public bool Scripted => script is not null;

    /// <summary>Commits the script (or runs the migrations pipeline when the database was not empty); returns whether the script was used.</summary>
    public async Task<bool> CommitAsync(CancellationToken cancellationToken = default, Action<string>? trace = null)
    {
        if (script is not { } open)
        {
            await services.MigratePostgresAsync(cancellationToken);
            return false;
        }
        await open.Transaction.CommitAsync(cancellationToken);
        await DisposeAsync();
        trace?.Invoke("script applied");
        // The vector type is created by the script; connections opened before it do not know it yet.
        await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
        await connection.ReloadTypesAsync(cancellationToken);
        trace?.Invoke("types reloaded");
        return true;
    }

    /// <summary>
    /// Leaves the target as staging found it: the script is rolled back and a database staging created is dropped
    /// (this provider's idle connections to it are closed first; a database another session has meanwhile connected
    /// to is left, empty).
    /// </summary>
    public async Task AbandonAsync(CancellationToken cancellationToken = default)
    {
        await DisposeAsync();
        if (!CreatedDatabase || connectionString is null) return;
        services.GetRequiredService<NpgsqlDataSource>().Clear();
        await PostgresSchemaScript.OnMaintenanceConnectionAsync(
            connectionString, $"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(PostgresSchemaScript.DatabaseName(connectionString))}", cancellationToken);
    }

    /// <summary>Rolls the script back when it was not committed (closing its connection does).</summary>
    public async ValueTask DisposeAsync()
    {
        if (script is not { } open) return;
        script = null;
        await open.Transaction.DisposeAsync();
        await open.Connection.DisposeAsync();
    }
}
