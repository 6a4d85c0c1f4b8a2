using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Migration.Seeding;
using Olorin.Migration.Verification;
using Olorin.Persistence.Postgres;

namespace Olorin.Migration.Tests;

/// <summary>
/// The migration phases' capture and relay on two PostgreSQL databases (the primary and a stand-in secondary):
/// the capture triggers commit and roll back with the write, and the relay copies creates, updates and deletes of
/// every collection, idempotently, version-guarded, with two relays at once.
/// </summary>
public sealed class ChangeRelayTests
{
    private const int Batch = 200;

    private static IChangeOutbox Outbox(PostgresEndpoint store) => store.Services.GetRequiredService<IChangeOutbox>();

    private static async Task<PostgresEndpoint> CapturingPrimaryAsync()
    {
        var primary = await PostgresEndpoint.CreateAsync();
        await Outbox(primary).SetCaptureAsync(true);
        return primary;
    }

    private static async Task AssertIdenticalAsync(PostgresEndpoint primary, PostgresEndpoint secondary)
    {
        var results = await new Verifier(primary.Endpoint, secondary.Endpoint, new VerifyOptions { Restart = true }, new QuietObserver())
            .VerifyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);
        foreach (var result in results)
            Assert.True(result.Equal, $"{result.Collection}: source {result.SourceCount}, target {result.TargetCount}, missing {result.Missing}, extra {result.Extra}, different {result.Different}: "
                + string.Join("; ", result.Mismatches.Select(m => $"{m.Kind} {m.TenantId}/{m.Id} {string.Join(",", m.Fields.Select(f => f.Path))}")));
    }

    [Fact]
    public async Task Capture_commits_and_rolls_back_with_the_write_and_is_off_until_switched_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-capture", 3).WriteAsync(primary.Services, cancellationToken: ct);
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_outbox")); // capture starts off
        await Outbox(primary).SetCaptureAsync(true, ct);

        await using (var scope = primary.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("UPDATE detectors SET name = name || ' (renamed)'", ct);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM anomaly_events", ct);
            await transaction.RollbackAsync(ct);
        }
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_outbox"));

        var detectors = await primary.ScalarAsync<long>("SELECT count(*) FROM detectors");
        var anomalies = await primary.ScalarAsync<long>("SELECT count(*) FROM anomaly_events");
        await primary.ExecuteAsync("BEGIN; UPDATE detectors SET name = name || ' (renamed)'; DELETE FROM anomaly_events; COMMIT;");
        Assert.Equal(detectors, await primary.ScalarAsync<long>("SELECT count(*) FROM change_outbox WHERE collection = 'detectors'"));
        Assert.Equal(anomalies, await primary.ScalarAsync<long>("SELECT count(*) FROM change_outbox WHERE collection = 'anomaly_events'"));
        Assert.Equal(0L, await primary.ScalarAsync<long>(
            "SELECT count(*) FROM change_outbox o WHERE o.collection = 'detectors' AND NOT EXISTS (SELECT 1 FROM detectors d WHERE d.tenant_id = o.tenant_id AND d.detector_id = o.document_id)"));
        Assert.True(await Outbox(primary).IsPendingAsync("detectors", "tenant-capture",
            (await primary.ScalarAsync<string>("SELECT detector_id FROM detectors LIMIT 1"))!, ct));

        var depth = await Outbox(primary).DepthAsync(ct);
        Assert.Equal(detectors + anomalies, depth.Entries);
        Assert.NotNull(depth.OldestChangedAt);
    }

    [Fact]
    public async Task The_relay_copies_creates_updates_and_deletes_of_every_collection_and_replays_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = await CapturingPrimaryAsync();
        await using var secondary = await PostgresEndpoint.CreateAsync();
        var dataset = new SyntheticDataset("tenant-relay", 40);
        await dataset.WriteAsync(primary.Services, cancellationToken: ct);
        Assert.Equal(dataset.ExpectedDocuments, await primary.ScalarAsync<long>("SELECT count(DISTINCT (collection, tenant_id, document_id)) FROM change_outbox"));

        var copied = await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);
        Assert.Equal(dataset.ExpectedDocuments, copied);
        Assert.Equal(0, (await Outbox(primary).DepthAsync(ct)).Entries);
        await AssertIdenticalAsync(primary, secondary);

        // Updates and deletes across several collections, some behind the API's back.
        await primary.ExecuteAsync("""
            UPDATE investigation_states SET status = 'COMPLETED', version = version + 1 WHERE investigation_id LIKE '%1';
            UPDATE detectors SET name = 'renamed', updated_at = now();
            DELETE FROM anomaly_events WHERE anomaly_id LIKE '%3';
            DELETE FROM transaction_scores WHERE transaction_id LIKE '%7';
            DELETE FROM investigation_states WHERE investigation_id LIKE '%9';
            UPDATE soar_playbook_executions SET status = 'failed';
            """);
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);
        await AssertIdenticalAsync(primary, secondary);

        // A replayed (stale) entry copies the current state again: nothing regresses, nothing changes.
        var before = await secondary.ScalarAsync<string>("SELECT md5(string_agg(t::text, '' ORDER BY t::text)) FROM investigation_states t");
        await primary.ExecuteAsync("INSERT INTO change_outbox (collection, tenant_id, document_id) SELECT 'investigations', tenant_id, investigation_id FROM investigation_states");
        await primary.ExecuteAsync("INSERT INTO change_outbox (collection, tenant_id, document_id) VALUES ('anomaly_events', 'tenant-relay', 'tenant-relay-anom-0000003')");
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);
        Assert.Equal(before, await secondary.ScalarAsync<string>("SELECT md5(string_agg(t::text, '' ORDER BY t::text)) FROM investigation_states t"));
        await AssertIdenticalAsync(primary, secondary);
    }

    [Fact]
    public async Task Writes_are_version_guarded_and_a_backfill_never_overwrites_a_relayed_document()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = await CapturingPrimaryAsync();
        await using var secondary = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-guard", 5).WriteAsync(primary.Services, cancellationToken: ct);
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);

        var investigationId = (await primary.ScalarAsync<string>("SELECT investigation_id FROM investigation_states ORDER BY investigation_id LIMIT 1"))!;
        var anomalyId = (await primary.ScalarAsync<string>("SELECT anomaly_id FROM anomaly_events ORDER BY anomaly_id LIMIT 1"))!;
        var old = await ReadAsync(primary, "investigations", "tenant-guard", investigationId);
        var oldAnomaly = await ReadAsync(primary, "anomaly_events", "tenant-guard", anomalyId);
        await primary.ExecuteAsync($"UPDATE investigation_states SET status = 'COMPLETED', version = version + 1 WHERE investigation_id = '{investigationId}'");
        await primary.ExecuteAsync($"UPDATE anomaly_events SET status = 'closed' WHERE anomaly_id = '{anomalyId}'");
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);

        await using (var scope = secondary.Services.CreateAsyncScope())
        {
            var port = scope.ServiceProvider.GetRequiredService<IChangeTransferPort>();
            // An older version by a backfill: the stored, newer version stays.
            Assert.Equal(0, await port.WriteAsync("investigations", [old], ChangeWriteMode.KeepNewer, ct));
            // Nothing orders anomaly writes: a backfill leaves a stored one alone.
            Assert.Equal(0, await port.WriteAsync("anomaly_events", [oldAnomaly], ChangeWriteMode.KeepNewer, ct));
        }
        Assert.Equal("COMPLETED", await secondary.ScalarAsync<string>($"SELECT status FROM investigation_states WHERE investigation_id = '{investigationId}'"));
        Assert.Equal("closed", await secondary.ScalarAsync<string>($"SELECT status FROM anomaly_events WHERE anomaly_id = '{anomalyId}'"));

        // The copy engine backfilling from a capturing source writes the same way: the relayed documents stay.
        var results = await new CopyEngine(primary.Endpoint, secondary.Endpoint, new CopyOptions { Restart = true }, new QuietObserver())
            .CopyAsync(MigrationCollections.All, ct);
        Assert.All(results, r => Assert.Equal(0, r.Failed));
        await AssertIdenticalAsync(primary, secondary);
        // ... and records every key it wrote, so the relay copies their current state once more (what the guard
        // cannot see: equal versions, documents deleted while the backfill had them in hand).
        Assert.True((await Outbox(primary).DepthAsync(ct)).Entries >= results.Sum(r => r.Copied));
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);
        Assert.Equal(0, (await Outbox(primary).DepthAsync(ct)).Entries);
        await AssertIdenticalAsync(primary, secondary);
    }

    [Fact]
    public async Task A_document_deleted_and_created_again_reaches_the_secondary_with_its_new_content()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = await CapturingPrimaryAsync();
        await using var secondary = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-recreate", 3).WriteAsync(primary.Services, cancellationToken: ct);
        var investigationId = (await primary.ScalarAsync<string>("SELECT investigation_id FROM investigation_states ORDER BY investigation_id LIMIT 1"))!;
        await primary.ExecuteAsync($"UPDATE investigation_states SET version = 7 WHERE investigation_id = '{investigationId}'");
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);

        // Deleted and created again under the same id (version 1) while the secondary lagged: one relay pass sees
        // only the new document, whose version is lower than the one the secondary holds.
        var row = await ReadAsync(primary, "investigations", "tenant-recreate", investigationId);
        await primary.ExecuteAsync($"DELETE FROM investigation_states WHERE investigation_id = '{investigationId}'");
        await using (var scope = primary.Services.CreateAsyncScope())
        {
            var port = scope.ServiceProvider.GetRequiredService<IChangeTransferPort>();
            await port.WriteAsync("investigations", [row], ChangeWriteMode.Relay, ct);
        }
        await primary.ExecuteAsync($"UPDATE investigation_states SET version = 1 WHERE investigation_id = '{investigationId}'");
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);

        Assert.Equal("1", await secondary.ScalarAsync<string>($"SELECT version::text FROM investigation_states WHERE investigation_id = '{investigationId}'"));
        await AssertIdenticalAsync(primary, secondary);
    }

    [Fact]
    public async Task Two_relays_at_once_while_writes_continue_end_with_identical_stores()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = await CapturingPrimaryAsync();
        await using var secondary = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-two", 60).WriteAsync(primary.Services, cancellationToken: ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(async () =>
        {
            for (var round = 0; round < 30 && !stop.IsCancellationRequested; round++)
                await primary.ExecuteAsync($"""
                    UPDATE investigation_states SET version = version + 1, updated_at = now() WHERE investigation_id LIKE '%{round % 10}';
                    UPDATE anomaly_events SET status = CASE WHEN status = 'new' THEN 'triaged' ELSE 'new' END WHERE anomaly_id LIKE '%{round % 10}';
                    DELETE FROM transaction_scores WHERE transaction_id LIKE '%{round % 10}{round % 7}';
                    """);
        }, ct);
        async Task RelayAsync()
        {
            while (!writer.IsCompleted || (await Outbox(primary).DepthAsync(ct)).Entries > 0)
                if ((await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 50, ct)).Entries == 0) await Task.Delay(20, ct);
        }
        await Task.WhenAll(RelayAsync(), RelayAsync(), writer);

        Assert.Equal(0, (await Outbox(primary).DepthAsync(ct)).Entries);
        await AssertIdenticalAsync(primary, secondary);
    }

    private static async Task<object> ReadAsync(PostgresEndpoint store, string collection, string tenant, string id)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var key = new ChangeKey(collection, tenant, id);
        var found = await scope.ServiceProvider.GetRequiredService<IChangeTransferPort>().ReadCurrentAsync(collection, [key]);
        return found[key];
    }
}
