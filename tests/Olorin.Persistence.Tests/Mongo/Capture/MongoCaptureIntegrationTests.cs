using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Auditing;
using Olorin.Core.Models;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Core.Transitions;
using Olorin.Persistence.Mongo.Outbox;
using Olorin.Persistence.Mongo.Repositories.Capture;
using Olorin.Persistence.Tests.Infrastructure;
using Olorin.Persistence.Tests.Postgres;

namespace Olorin.Persistence.Tests.Mongo.Capture;

/// <summary>
/// mongo_primary's capture against a real MongoDB (OLORIN_TEST_MONGODB_URI; skipped with the reason otherwise): writes
/// through the repositories leave outbox entries with nothing in flight, and the relay writes them back into PostgreSQL.
/// </summary>
public sealed class MongoCaptureIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TestStore> CapturingMongoAsync()
    {
        var server = await MongoBackendFixture.ServerAsync();
        if (server.SkipReason is { } reason) Assert.Skip(reason);
        var store = await new MongoBackendFixture().CreateIsolatedStoreAsync();
        var outbox = store.Services.GetRequiredService<MongoChangeOutbox>();
        await outbox.EnsureIndexesAsync(Ct);
        await outbox.SetCaptureAsync(true, Ct);
        store.Services.GetRequiredService<MongoCaptureSwitch>().Known(true);
        return store;
    }

    private static async Task<IReadOnlyDictionary<ChangeKey, object>> ReadAsync(TestStore store, string collection, params ChangeKey[] keys)
    {
        await using var scope = store.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IChangeTransferPort>().ReadCurrentAsync(collection, keys, Ct);
    }

    [Fact]
    public async Task Repository_writes_are_captured_and_written_back_into_PostgreSQL()
    {
        await using var mongo = await CapturingMongoAsync();
        await using var postgres = await new PostgresBackendFixture().CreateIsolatedStoreAsync();
        var outbox = mongo.Services.GetRequiredService<MongoChangeOutbox>();
        await using (var scope = mongo.Services.CreateAsyncScope())
        {
            var detectors = scope.ServiceProvider.GetRequiredService<IDetectorRepository>();
            Assert.True((await detectors.CreateAsync(new Detector { TenantId = "t1", DetectorId = "d1", Name = "first" }, Ct)).IsOk);
            Assert.True((await detectors.UpdateAsync("t1", "d1", new DetectorPatch(Name: "second"), Ct)).IsOk);
            var investigations = scope.ServiceProvider.GetRequiredService<IInvestigationRepository>();
            Assert.True((await investigations.CreateAsync(new Investigation { TenantId = "t1", InvestigationId = "i1", UserId = "u1" }, new AuditContext("u1"), Ct)).IsOk);
        }

        var depth = await outbox.DepthAsync(Ct);
        Assert.True(depth.Entries >= 3, $"{depth.Entries} entries: the detector, the investigation and its CREATE entry");
        await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);

        var detector = (Detector)(await ReadAsync(postgres, "detectors", new ChangeKey("detectors", "t1", "d1"))).Values.Single();
        Assert.Equal("second", detector.Name);
        Assert.Single(await ReadAsync(postgres, "investigations", new ChangeKey("investigations", "t1", "i1")));
        Assert.Equal(0, (await outbox.DepthAsync(Ct)).Entries);
    }

    [Fact]
    public async Task A_delete_by_investigation_captures_every_score_it_deletes()
    {
        await using var mongo = await CapturingMongoAsync();
        await using var postgres = await new PostgresBackendFixture().CreateIsolatedStoreAsync();
        var outbox = mongo.Services.GetRequiredService<MongoChangeOutbox>();
        var keys = new[] { "x1", "x2", "x3" }.Select(t => new ChangeKey("transaction_scores", "t1", $"i1/{t}")).ToArray();
        await using (var scope = mongo.Services.CreateAsyncScope())
        {
            var scores = scope.ServiceProvider.GetRequiredService<ITransactionScoreRepository>();
            Assert.Equal(3, await scores.InsertManyAsync("t1",
                [.. new[] { "x1", "x2", "x3" }.Select(t => new TransactionScore { InvestigationId = "i1", TransactionId = t, RiskScore = 0.5 })], Ct));
            await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);
            Assert.Equal(3, (await ReadAsync(postgres, "transaction_scores", keys)).Count);

            Assert.Equal(3, await scores.DeleteByInvestigationAsync("t1", "i1", Ct));
        }

        foreach (var key in keys) Assert.True(await outbox.IsPendingAsync(key.Collection, key.TenantId, key.Id, Ct), $"{key} not captured");
        await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);
        Assert.Empty(await ReadAsync(postgres, "transaction_scores", keys));
    }

    [Fact]
    public async Task A_deleted_investigation_leaves_PostgreSQL_with_its_audit_entries()
    {
        await using var mongo = await CapturingMongoAsync();
        await using var postgres = await new PostgresBackendFixture().CreateIsolatedStoreAsync();
        var outbox = mongo.Services.GetRequiredService<MongoChangeOutbox>();
        await using (var scope = mongo.Services.CreateAsyncScope())
        {
            var investigations = scope.ServiceProvider.GetRequiredService<IInvestigationRepository>();
            Assert.True((await investigations.CreateAsync(new Investigation { TenantId = "t1", InvestigationId = "i9", UserId = "u1" }, new AuditContext("u1"), Ct)).IsOk);
            await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);
            Assert.True((await investigations.DeleteAsync("t1", "i9", InvestigationWriteGuard.Any, new AuditContext("u1"), Ct)).IsOk);
        }

        await ChangeRelaying.DrainAsync(outbox, postgres.Services, 100, Ct);
        Assert.Empty(await ReadAsync(postgres, "investigations", new ChangeKey("investigations", "t1", "i9")));
        await using var pgScope = postgres.Services.CreateAsyncScope();
        var history = await pgScope.ServiceProvider.GetRequiredService<IAuditLogRepository>().GetHistoryAsync("t1", "i9", 10, 0, Ct);
        Assert.Equal(2, history.Count);
    }
}
