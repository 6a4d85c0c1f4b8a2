using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Tests.Infrastructure;
using Olorin.Persistence.Tests.Postgres;

namespace Olorin.Persistence.Tests.Mongo.Outbox;

/// <summary>
/// The relay between PostgreSQL and a real MongoDB (OLORIN_TEST_MONGODB_URI), in both directions; skipped with the
/// reason when no MongoDB server is reachable.
/// </summary>
public sealed class MongoRelayIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TestStore> MongoStoreAsync()
    {
        var server = await MongoBackendFixture.ServerAsync();
        if (server.SkipReason is { } reason) Assert.Skip(reason);
        return await new MongoBackendFixture().CreateIsolatedStoreAsync();
    }

    private static Investigation Investigation(string id, int version, string name)
        => new() { TenantId = "t1", InvestigationId = id, UserId = "u1", Version = version, Settings = new() { ["name"] = name } };

    private static async Task<Investigation?> ReadAsync(TestStore store, string id)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IChangeTransferPort>()
            .ReadCurrentAsync("investigations", [new ChangeKey("investigations", "t1", id)], Ct);
        return found.Values.Cast<Investigation>().SingleOrDefault();
    }

    private static async Task WriteAsync(TestStore store, Investigation investigation, ChangeWriteMode mode)
    {
        await using var scope = store.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IChangeTransferPort>().WriteAsync("investigations", [investigation], mode, Ct);
    }

    [Fact]
    public async Task PostgreSQL_changes_reach_MongoDB_and_deletes_follow()
    {
        await using var mongo = await MongoStoreAsync();
        await using var postgres = await new PostgresBackendFixture().CreateIsolatedStoreAsync();
        var outbox = postgres.Services.GetRequiredService<IChangeOutbox>();
        await outbox.SetCaptureAsync(true, Ct);

        await WriteAsync(postgres, Investigation("i1", 2, "first"), ChangeWriteMode.Relay);
        await ChangeRelaying.DrainAsync(outbox, mongo.Services, 100, Ct);
        Assert.Equal("first", (string?)(await ReadAsync(mongo, "i1"))!.Settings!["name"]);

        await using (var scope = postgres.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IChangeTransferPort>().DeleteAsync("investigations", [new ChangeKey("investigations", "t1", "i1")], Ct);
        await ChangeRelaying.DrainAsync(outbox, mongo.Services, 100, Ct);
        Assert.Null(await ReadAsync(mongo, "i1"));
    }

    [Fact]
    public async Task MongoDB_writes_with_intents_reach_PostgreSQL()
    {
        await using var mongo = await MongoStoreAsync();
        await using var postgres = await new PostgresBackendFixture().CreateIsolatedStoreAsync();
        var outbox = mongo.Services.GetRequiredService<MongoChangeOutbox>();
        await outbox.EnsureIndexesAsync(Ct);
        ChangeKey[] keys = [new("investigations", "t1", "i2")];

        await outbox.BeginAsync(keys, Ct);
        await WriteAsync(mongo, Investigation("i2", 1, "from mongo"), ChangeWriteMode.Relay);
        await outbox.EndAsync(keys, Ct);
        Assert.Equal(1, (await outbox.DepthAsync(Ct)).Entries);
        Assert.True(await outbox.IsPendingAsync("investigations", "t1", "i2", Ct));

        await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);
        Assert.Equal("from mongo", (string?)(await ReadAsync(postgres, "i2"))!.Settings!["name"]);
        Assert.Equal(0, (await outbox.DepthAsync(Ct)).Entries);
    }

    [Fact]
    public async Task An_entry_with_a_write_in_flight_is_not_relayed_before_its_touch()
    {
        await using var mongo = await MongoStoreAsync();
        await using var postgres = await new PostgresBackendFixture().CreateIsolatedStoreAsync();
        var outbox = mongo.Services.GetRequiredService<MongoChangeOutbox>();
        ChangeKey[] keys = [new("investigations", "t1", "i3")];

        await outbox.BeginAsync(keys, Ct);
        Assert.Equal(0, (await ChangeRelaying.RelayOnceAsync(outbox, postgres.Services, 100, Ct)).Entries);
        await WriteAsync(mongo, Investigation("i3", 1, "landed"), ChangeWriteMode.Relay);
        await outbox.EndAsync(keys, Ct);
        await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);
        Assert.Equal("landed", (string?)(await ReadAsync(postgres, "i3"))!.Settings!["name"]);
    }

    [Fact]
    public async Task Keep_newer_never_regresses_a_stored_document()
    {
        await using var mongo = await MongoStoreAsync();
        await WriteAsync(mongo, Investigation("i4", 5, "v5"), ChangeWriteMode.Relay);

        await WriteAsync(mongo, Investigation("i4", 3, "v3"), ChangeWriteMode.KeepNewer);
        Assert.Equal(5, (await ReadAsync(mongo, "i4"))!.Version);

        await WriteAsync(mongo, Investigation("i4", 6, "v6"), ChangeWriteMode.KeepNewer);
        Assert.Equal("v6", (string?)(await ReadAsync(mongo, "i4"))!.Settings!["name"]);

        await WriteAsync(mongo, Investigation("i5", 1, "new"), ChangeWriteMode.KeepNewer);
        Assert.NotNull(await ReadAsync(mongo, "i5"));
    }

    [Fact]
    public async Task A_write_between_claim_and_remove_is_relayed_again()
    {
        await using var mongo = await MongoStoreAsync();
        await using var postgres = await new PostgresBackendFixture().CreateIsolatedStoreAsync();
        var outbox = mongo.Services.GetRequiredService<MongoChangeOutbox>();
        IChangeOutbox relay = outbox; // the port's convenience overloads
        ChangeKey[] keys = [new("investigations", "t1", "i6")];
        await outbox.BeginAsync(keys, Ct);
        await WriteAsync(mongo, Investigation("i6", 1, "before"), ChangeWriteMode.Relay);
        await outbox.EndAsync(keys, Ct);

        var batch = await relay.RelayAsync(100, async (changes, ct) =>
        {
            await using (var scope = postgres.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<IChangeTransferPort>().WriteAsync(changes.Collection, changes.Current.Values.ToList(), ChangeWriteMode.Relay, ct);
            // A write lands after the relay read the primary's state, before it removes the entry.
            await outbox.BeginAsync(keys, ct);
            await WriteAsync(mongo, Investigation("i6", 2, "during"), ChangeWriteMode.Relay);
            await outbox.EndAsync(keys, ct);
        }, Ct);

        Assert.Equal(1, batch.Documents);
        Assert.Equal("before", (string?)(await ReadAsync(postgres, "i6"))!.Settings!["name"]);
        Assert.Equal(1, (await outbox.DepthAsync(Ct)).Entries);
        await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);
        Assert.Equal("during", (string?)(await ReadAsync(postgres, "i6"))!.Settings!["name"]);
    }

    [Fact]
    public async Task A_key_refused_max_attempts_times_becomes_a_dead_letter_outside_the_depth_until_retried_or_written_again()
    {
        await using var mongo = await MongoStoreAsync();
        var outbox = mongo.Services.GetRequiredService<MongoChangeOutbox>();
        IChangeOutbox relay = outbox; // the port's convenience overloads
        await outbox.EnsureIndexesAsync(Ct);
        ChangeKey bad = new("investigations", "t1", "bad"), good = new("investigations", "t1", "good");
        await outbox.RecordAsync([bad, good], Ct);
        var applied = new List<ChangeKey>();
        Task Apply(ChangeSet changes, CancellationToken ct)
        {
            if (changes.Keys.Contains(bad)) throw new ChangeRefusedException("investigations: refused", new InvalidOperationException("test"));
            applied.AddRange(changes.Keys);
            return Task.CompletedTask;
        }

        var first = await relay.RelayAsync(100, 2, Apply, Ct);
        Assert.Equal((1, 0, 1), (first.Refused, first.DeadLettered, first.Documents));
        Assert.Equal([good], applied);
        var depth = await outbox.DepthAsync(Ct);
        Assert.Equal((1L, 0L), (depth.Entries, depth.DeadLetters));

        Assert.Equal(1, (await relay.RelayAsync(100, 2, Apply, Ct)).DeadLettered);
        depth = await outbox.DepthAsync(Ct);
        Assert.Equal((0L, 1L), (depth.Entries, depth.DeadLetters));
        var letter = Assert.Single(await outbox.ListDeadLettersAsync(10, Ct));
        Assert.Equal((bad, 2, "investigations: refused"), (letter.Key, letter.Attempts, letter.Error));
        Assert.Equal(0, (await relay.RelayAsync(100, 2, Apply, Ct)).Entries); // a dead letter is never claimed

        // A write of the key (its touch) gives it one more try; an operator's retry puts it back with attempts from zero.
        await outbox.BeginAsync([bad], Ct);
        await outbox.EndAsync([bad], Ct);
        Assert.Equal((1L, 0L), ((await outbox.DepthAsync(Ct)).Entries, (await outbox.DepthAsync(Ct)).DeadLetters));
        Assert.Equal(1, (await relay.RelayAsync(100, 2, Apply, Ct)).DeadLettered);
        Assert.Equal(1, await outbox.RetryDeadLettersAsync(Ct));
        depth = await outbox.DepthAsync(Ct);
        Assert.Equal((1L, 0L), (depth.Entries, depth.DeadLetters));
    }
}
