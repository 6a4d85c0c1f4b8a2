using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Auditing;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Postgres;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// GetAsync reads with Npgsql and a hand-mapped reader outside a transaction (the API's by-id read) and with EF's
/// compiled query inside one: both must give the same document, field for field, whatever the stored JSON holds.
/// </summary>
public sealed class PostgresInvestigationReadTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_hand_mapped_read_and_the_EF_read_give_the_same_document()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await using var scope = fixture.Shared.Services.CreateAsyncScope();
        var investigations = scope.ServiceProvider.GetRequiredService<IInvestigationRepository>();
        var audit = new AuditContext("u1", AuditSource.Api, null, null);

        var full = new Investigation
        {
            InvestigationId = "full", UserId = "u1", TenantId = tenant,
            LifecycleStage = LifecycleStage.InProgress, Status = InvestigationStatus.Completed,
            Settings = JsonNode.Parse("""{"name":"Ünïcødé ✓","entities":[{"entity_type":"email","entity_value":"a@b.c"}],"n":1.5e3,"big":12345678901234567890,"nested":{"deep":[null,true,"x"]}}""")!.AsObject(),
            Progress = JsonNode.Parse("""{"progress_percentage":42,"current_phase":"scoring"}""")!.AsObject(),
            Results = JsonNode.Parse("""{"risk_score":0.75,"summary":"s","findings":[]}""")!.AsObject(),
            Metadata = JsonNode.Parse("""{"source":"test","tags":["a","b"]}""")!.AsObject(),
        };
        var bare = new Investigation { InvestigationId = "bare", UserId = "u2", TenantId = tenant };
        Assert.IsType<Outcome<Investigation>.Ok>(await investigations.CreateAsync(full, audit, Ct));
        Assert.IsType<Outcome<Investigation>.Ok>(await investigations.CreateAsync(bare, audit, Ct));
        Assert.True(await investigations.TouchLastAccessedAsync(tenant, "full", DateTime.UtcNow, DateTime.UtcNow, Ct));

        foreach (var id in new[] { "full", "bare" })
        {
            var handMapped = await investigations.GetAsync(tenant, id, Ct);

            var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var throughEf = await investigations.GetAsync(tenant, id, Ct);
            await transaction.RollbackAsync(Ct);

            Assert.NotNull(handMapped);
            Assert.Equal(JsonSerializer.Serialize(throughEf, OlorinJson.Options), JsonSerializer.Serialize(handMapped, OlorinJson.Options));
            Assert.Equal(DateTimeKind.Utc, handMapped.CreatedAt.Kind);
            Assert.Equal(throughEf!.LastAccessed, handMapped.LastAccessed);
        }
        Assert.Null(await investigations.GetAsync(tenant, "missing", Ct));
        Assert.Null(await investigations.GetAsync($"other-{tenant}", "full", Ct));
    }
    [Fact]
    public async Task A_read_rents_no_context_and_a_read_inside_the_scopes_transaction_sees_its_uncommitted_write()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var audit = new AuditContext("u1", AuditSource.Api, null, null);
        await using (var seed = fixture.Shared.Services.CreateAsyncScope())
        {
            var created = await seed.ServiceProvider.GetRequiredService<IInvestigationRepository>()
                .CreateAsync(new Investigation { InvestigationId = "inv", UserId = "u1", TenantId = tenant }, audit, Ct);
            Assert.IsType<Outcome<Investigation>.Ok>(created);
        }

        await using var scope = fixture.Shared.Services.CreateAsyncScope();
        var investigations = scope.ServiceProvider.GetRequiredService<IInvestigationRepository>();
        var lazy = scope.ServiceProvider.GetRequiredService<Lazy<OlorinDbContext>>();
        var before = await investigations.GetAsync(tenant, "inv", Ct);
        Assert.NotNull(before);
        Assert.False(lazy.IsValueCreated); // the by-id read went through Npgsql alone

        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        Assert.Same(lazy.Value, db); // one context per scope, whichever way it is asked for
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        await db.Database.ExecuteSqlAsync($"UPDATE investigation_states SET version = version + 41 WHERE tenant_id = {tenant} AND investigation_id = 'inv'", Ct);
        var inside = await investigations.GetAsync(tenant, "inv", Ct);
        await transaction.RollbackAsync(Ct);

        Assert.Equal(before.Version + 41, inside!.Version); // read on the transaction's connection, not the stateless pool
        Assert.Equal(before.Version, (await investigations.GetAsync(tenant, "inv", Ct))!.Version);
    }
}
