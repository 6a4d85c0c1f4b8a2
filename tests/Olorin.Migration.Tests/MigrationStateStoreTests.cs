using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;

namespace Olorin.Migration.Tests;

/// <summary>
/// The PostgreSQL migration state store reads a database that never was a migration target without failing a
/// statement (the server's /status/migration reads it on every call), and still sees the table as soon as the
/// migration tools, another process, create it.
/// </summary>
public sealed class MigrationStateStoreTests
{
    [Fact]
    public async Task Reads_of_an_absent_table_find_nothing_without_errors_and_see_the_table_once_another_process_creates_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await PostgresEndpoint.CreateAsync();
        var state = store.Services.GetRequiredService<IMigrationStateStore>();
        var failed = 0;
        var first = 0;
        EventHandler<System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs> count = (_, e) =>
        {
            if (Observed.Value && e.Exception is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UndefinedTable }) Interlocked.Increment(ref failed);
        };
        AppDomain.CurrentDomain.FirstChanceException += count;
        try
        {
            // Only this test's own calls (the flag flows with their async chain), not other tests running meanwhile.
            Observed.Value = true;
            Assert.Null(await state.GetAsync("verification", ct));
            first = failed;
            for (var i = 0; i < 3; i++)
            {
                Assert.Null(await state.GetAsync("verification", ct));
                Assert.Empty(await state.ListAsync("checkpoint/", ct));
            }
            Observed.Value = false;
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= count;
        }
        // The first read learns that the table is absent (one failed statement); the six after it ask the catalogue.
        Assert.True(first > 0, "the first read did not meet the absent table");
        Assert.Equal(first, failed);

        // As the CLI does it, on its own connection: this store's reads must not have remembered "absent" for good.
        await store.ExecuteAsync("""
            CREATE TABLE olorin_migration_state (name text COLLATE "C" PRIMARY KEY, state text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO olorin_migration_state (name, state) VALUES ('verification', '{"a":1}'), ('checkpoint/x', '{"b":2}')
            """);
        Assert.Equal("""{"a":1}""", await state.GetAsync("verification", ct));
        Assert.Equal(["checkpoint/x"], (await state.ListAsync("checkpoint/", ct)).Keys);

        // Dropped again (a rebuilt target): reads find nothing, as before.
        await store.ExecuteAsync("DROP TABLE olorin_migration_state");
        Assert.Null(await state.GetAsync("verification", ct));
        Assert.Null(await state.GetAsync("verification", ct));
        await state.PutAsync("verification", """{"c":3}""", ct);
        Assert.Equal("""{"c":3}""", await state.GetAsync("verification", ct));
    }

    private static readonly AsyncLocal<bool> Observed = new();
}
