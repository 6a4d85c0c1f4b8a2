using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Core.Phases;
using Olorin.Persistence.Postgres.Outbox;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The change relay's own pool (<see cref="RelayConnections"/>): its batches run on at most two backends of their
/// own, named in pg_stat_activity, planned per execution and committed asynchronously.
/// </summary>
public sealed class PostgresRelayConnectionsTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IServiceProvider Services => fixture.Shared.Services;

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        return await command.ExecuteScalarAsync(Ct) is T result ? result : default!;
    }

    [Fact]
    public async Task A_rented_context_is_on_the_relay_pool_with_custom_plans_and_asynchronous_commit()
    {
        var connections = Services.GetRequiredService<RelayConnections>();
        await using var db = await connections.RentAsync(Ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        var settings = new NpgsqlConnectionStringBuilder(connection.ConnectionString);

        Assert.Equal(RelayConnections.PoolSize, settings.MaxPoolSize);
        await using var show = new NpgsqlCommand("SELECT current_setting('plan_cache_mode'), current_setting('application_name'), current_setting('synchronous_commit')", connection);
        await using var reader = await show.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal("force_custom_plan", reader.GetString(0));
        Assert.EndsWith(" change relay", reader.GetString(1));
        Assert.Equal("off", reader.GetString(2));
    }

    [Fact]
    public async Task Relay_batches_run_on_at_most_two_backends_of_the_relay_pool()
    {
        var outbox = Services.GetRequiredService<IChangeOutbox>();
        var seen = new HashSet<int>();
        var appliedKeys = 0;
        for (var batch = 0; batch < 8; batch++)
        {
            await outbox.RecordAsync([new ChangeKey("detectors", "tenant-relay-pool", $"det-{batch}")], Ct);
            var relayed = await outbox.RelayAsync(10, 5, RefusalBackoff.None, async (changes, token) =>
            {
                // While the batch applies, its transaction is open on the primary: find its backend by what it holds.
                var pid = await ScalarAsync<int>("""
                    SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND state = 'idle in transaction' AND application_name LIKE '% change relay'
                    """);
                Assert.NotEqual(0, pid);
                seen.Add(pid);
                appliedKeys += changes.Keys.Count;
            }, Ct);
            Assert.Equal(1, relayed.Entries);
        }

        Assert.Equal(8, appliedKeys);
        Assert.InRange(seen.Count, 1, RelayConnections.PoolSize);
        Assert.Equal(0L, (await outbox.DepthAsync(Ct)).Entries);
    }
}
