using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class ComposioConnectionRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private static readonly DateTime T0 = new(2026, 5, 6, 7, 8, 9, 12, DateTimeKind.Utc);

    private IComposioConnectionRepository Connections => Repo<IComposioConnectionRepository>();

    // ---- create / get -------------------------------------------------------------------------------------

    [Fact]
    public async Task Create_stamps_now_and_every_field_round_trips()
    {
        var before = Now();
        var input = FullConnection(Tenant, NewId("conn"));

        var created = (await Connections.CreateAsync(input, Ct)).Value;

        Assert.InRange(created.CreatedAt, before, Now());
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        var expected = FullConnection(Tenant, input.ConnectionId);
        expected.CreatedAt = expected.UpdatedAt = created.CreatedAt;
        AssertSameDocument(expected, created);
        AssertSameDocument(expected, await Connections.GetAsync(Tenant, input.ConnectionId, Ct));
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_connection_id()
    {
        var id = NewId("conn");
        await Connections.CreateAsync(NewConnection(Tenant, id, "slack"), Ct);

        var again = await Connections.CreateAsync(NewConnection(Tenant, id, "jira"), Ct);

        Assert.Equal(new Outcome<ComposioConnection>.Duplicate("connection_id"), again);
        Assert.Equal("slack", (await Connections.GetAsync(Tenant, id, Ct))!.ToolkitName);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_connection()
    {
        var id = NewId("conn");
        await Connections.CreateAsync(NewConnection(Tenant, id, "slack"), Ct);

        Assert.Null(await Connections.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Connections.GetAsync(OtherTenant, id, Ct));
    }

    // ---- list ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task List_is_newest_created_first_then_connection_id_and_pages()
    {
        await Connections.BulkUpsertAsync(
        [
            Stored(Tenant, "c-" + Tenant, createdAt: T0),
            Stored(Tenant, "b-" + Tenant, createdAt: T0.AddHours(1)),
            Stored(Tenant, "a-" + Tenant, createdAt: T0.AddHours(1)),
            Stored(Tenant, "d-" + Tenant, createdAt: T0.AddHours(2)),
            Stored(OtherTenant, "e-" + OtherTenant, createdAt: T0.AddHours(3)),
        ], Ct);

        var first = await Connections.ListAsync(Tenant, new ComposioConnectionQuery(), new PageRequest(1, 3), Ct);
        var second = await Connections.ListAsync(Tenant, new ComposioConnectionQuery(), new PageRequest(2, 3), Ct);

        Assert.Equal(["d-" + Tenant, "a-" + Tenant, "b-" + Tenant], first.Items.Select(x => x.ConnectionId));
        Assert.Equal(4, first.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.Equal(["c-" + Tenant], second.Items.Select(x => x.ConnectionId));
        Assert.False(second.HasNextPage);
    }

    [Fact]
    public async Task List_filters_by_toolkit_and_status()
    {
        var slack = Stored(Tenant, NewId("a"), T0, "slack");
        var slackRevoked = Stored(Tenant, NewId("b"), T0.AddMinutes(1), "slack", ComposioConnectionStatus.Revoked);
        var jira = Stored(Tenant, NewId("c"), T0.AddMinutes(2), "jira");
        await Connections.BulkUpsertAsync([slack, slackRevoked, jira, Stored(OtherTenant, NewId("x"), T0, "slack")], Ct);

        Assert.Equal([slackRevoked.ConnectionId, slack.ConnectionId], await Ids(new ComposioConnectionQuery(ToolkitName: "slack")));
        Assert.Equal([jira.ConnectionId, slack.ConnectionId], await Ids(new ComposioConnectionQuery(Status: ComposioConnectionStatus.Active)));
        Assert.Equal([slackRevoked.ConnectionId], await Ids(new ComposioConnectionQuery("slack", ComposioConnectionStatus.Revoked)));
        Assert.Empty(await Ids(new ComposioConnectionQuery(ToolkitName: "github")));
    }

    [Fact]
    public async Task List_expired_at_an_instant_keeps_expires_at_at_or_before_it_or_status_expired()
    {
        var cutoff = T0.AddDays(1);
        var expiredBefore = Stored(Tenant, NewId("a"), T0, expiresAt: cutoff.AddSeconds(-1));
        var expiringExactly = Stored(Tenant, NewId("b"), T0.AddMinutes(1), expiresAt: cutoff);
        var stillValid = Stored(Tenant, NewId("c"), T0.AddMinutes(2), expiresAt: cutoff.AddMilliseconds(1));
        var markedExpired = Stored(Tenant, NewId("d"), T0.AddMinutes(3), status: ComposioConnectionStatus.Expired, expiresAt: null);
        var neverExpires = Stored(Tenant, NewId("e"), T0.AddMinutes(4), expiresAt: null);
        await Connections.BulkUpsertAsync([expiredBefore, expiringExactly, stillValid, markedExpired, neverExpires], Ct);
        await Connections.BulkUpsertAsync([Stored(OtherTenant, NewId("x"), T0, expiresAt: T0)], Ct);

        var ids = await Ids(new ComposioConnectionQuery(ExpiredAt: cutoff));

        Assert.Equal([markedExpired.ConnectionId, expiringExactly.ConnectionId, expiredBefore.ConnectionId], ids);
    }

    [Fact]
    public async Task List_of_another_tenant_is_empty()
    {
        await Connections.CreateAsync(NewConnection(Tenant, NewId("conn"), "slack"), Ct);

        var page = await Connections.ListAsync(OtherTenant, new ComposioConnectionQuery(), new PageRequest(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.TotalCount);
    }

    // ---- tokens / status / last used ----------------------------------------------------------------------

    [Fact]
    public async Task UpdateTokens_replaces_tokens_and_expiry_reactivates_and_sets_updated_at()
    {
        var stored = Stored(Tenant, NewId("conn"), T0, status: ComposioConnectionStatus.Expired, expiresAt: T0.AddHours(1));
        await Connections.BulkUpsertAsync([stored], Ct);
        var now = T0.AddDays(2);

        var updated = (await Connections.UpdateTokensAsync(Tenant, stored.ConnectionId, "enc:access-2", "enc:refresh-2", T0.AddDays(3), now, Ct)).Value;

        stored.EncryptedAccessToken = "enc:access-2";
        stored.RefreshToken = "enc:refresh-2";
        stored.ExpiresAt = T0.AddDays(3);
        stored.Status = ComposioConnectionStatus.Active;
        stored.UpdatedAt = now;
        AssertSameDocument(stored, updated);
        AssertSameDocument(stored, await Connections.GetAsync(Tenant, stored.ConnectionId, Ct));
    }

    [Fact]
    public async Task UpdateTokens_without_refresh_token_or_expiry_clears_them()
    {
        var stored = Stored(Tenant, NewId("conn"), T0, expiresAt: T0.AddHours(1));
        await Connections.BulkUpsertAsync([stored], Ct);

        var updated = (await Connections.UpdateTokensAsync(Tenant, stored.ConnectionId, "enc:access-3", null, null, T0.AddDays(1), Ct)).Value;

        Assert.Equal("enc:access-3", updated.EncryptedAccessToken);
        Assert.Null(updated.RefreshToken);
        Assert.Null(updated.ExpiresAt);
    }

    [Fact]
    public async Task UpdateTokens_is_NotFound_for_a_missing_id_and_for_another_tenants_connection()
    {
        var stored = Stored(Tenant, NewId("conn"), T0);
        await Connections.BulkUpsertAsync([stored], Ct);

        var missing = await Connections.UpdateTokensAsync(Tenant, NewId("missing"), "enc:x", null, null, T0, Ct);
        var foreign = await Connections.UpdateTokensAsync(OtherTenant, stored.ConnectionId, "enc:x", null, null, T0, Ct);

        Assert.IsType<Outcome<ComposioConnection>.NotFound>(missing);
        Assert.IsType<Outcome<ComposioConnection>.NotFound>(foreign);
        AssertSameDocument(stored, await Connections.GetAsync(Tenant, stored.ConnectionId, Ct));
    }

    [Fact]
    public async Task UpdateStatus_sets_status_and_updated_at_only()
    {
        var stored = Stored(Tenant, NewId("conn"), T0);
        await Connections.BulkUpsertAsync([stored], Ct);

        var updated = (await Connections.UpdateStatusAsync(Tenant, stored.ConnectionId, ComposioConnectionStatus.Revoked, T0.AddHours(5), Ct)).Value;

        stored.Status = ComposioConnectionStatus.Revoked;
        stored.UpdatedAt = T0.AddHours(5);
        AssertSameDocument(stored, updated);
        AssertSameDocument(stored, await Connections.GetAsync(Tenant, stored.ConnectionId, Ct));
    }

    [Fact]
    public async Task UpdateStatus_is_NotFound_for_a_missing_id_and_for_another_tenants_connection()
    {
        var stored = Stored(Tenant, NewId("conn"), T0);
        await Connections.BulkUpsertAsync([stored], Ct);

        var missing = await Connections.UpdateStatusAsync(Tenant, NewId("missing"), ComposioConnectionStatus.Revoked, T0, Ct);
        var foreign = await Connections.UpdateStatusAsync(OtherTenant, stored.ConnectionId, ComposioConnectionStatus.Revoked, T0, Ct);

        Assert.IsType<Outcome<ComposioConnection>.NotFound>(missing);
        Assert.IsType<Outcome<ComposioConnection>.NotFound>(foreign);
        Assert.Equal(ComposioConnectionStatus.Active, (await Connections.GetAsync(Tenant, stored.ConnectionId, Ct))!.Status);
    }

    [Fact]
    public async Task TouchLastUsed_sets_last_used_at_and_leaves_updated_at()
    {
        var stored = Stored(Tenant, NewId("conn"), T0);
        await Connections.BulkUpsertAsync([stored], Ct);

        Assert.True(await Connections.TouchLastUsedAsync(Tenant, stored.ConnectionId, T0.AddMinutes(30), Ct));

        stored.LastUsedAt = T0.AddMinutes(30);
        AssertSameDocument(stored, await Connections.GetAsync(Tenant, stored.ConnectionId, Ct));
    }

    [Fact]
    public async Task TouchLastUsed_is_false_for_a_missing_id_and_for_another_tenants_connection()
    {
        var stored = Stored(Tenant, NewId("conn"), T0);
        await Connections.BulkUpsertAsync([stored], Ct);

        Assert.False(await Connections.TouchLastUsedAsync(Tenant, NewId("missing"), T0, Ct));
        Assert.False(await Connections.TouchLastUsedAsync(OtherTenant, stored.ConnectionId, T0.AddMinutes(1), Ct));
        Assert.Null((await Connections.GetAsync(Tenant, stored.ConnectionId, Ct))!.LastUsedAt);
    }

    // ---- delete -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Delete_removes_the_connection_once_and_never_another_tenants()
    {
        var id = NewId("conn");
        await Connections.CreateAsync(NewConnection(Tenant, id, "slack"), Ct);

        Assert.False(await Connections.DeleteAsync(OtherTenant, id, Ct));
        Assert.NotNull(await Connections.GetAsync(Tenant, id, Ct));
        Assert.True(await Connections.DeleteAsync(Tenant, id, Ct));
        Assert.Null(await Connections.GetAsync(Tenant, id, Ct));
        Assert.False(await Connections.DeleteAsync(Tenant, id, Ct));
    }

    // ---- bulk transfer ------------------------------------------------------------------------------------

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<IComposioConnectionRepository>();
        string[] ordered = ["B-conn", "Z-conn", "_-conn", "a-conn", "b-conn"];
        string[] created = ["a-conn", "_-conn", "Z-conn", "b-conn", "B-conn"];
        foreach (var (id, i) in created.Select((id, i) => (id, i)))
            await repo.CreateAsync(NewConnection(i % 2 == 0 ? Tenant : OtherTenant, id, "slack"), Ct);
        // Keys are (tenant_id, id), ordinal, tenant first; the ids alone keep their ordinal order within a tenant.
        var expected = created.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        Assert.Equal(expected, await repo.ExportAsync(cancellationToken: Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Equal(ordered.Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)), (await repo.ExportAsync(cancellationToken: Ct).ToListAsync(Ct)).Select(x => x.ConnectionId).Where(id => expected.Any(k => k.Id == id && k.TenantId == Tenant)));
        Assert.Equal(expected.Skip(2), await repo.ExportAsync(expected[1], Ct).Select(x => repo.KeyOf(x)).ToListAsync(Ct));
        Assert.Empty(await repo.ExportAsync(expected[^1], Ct).ToListAsync(Ct));
        Assert.Equal(5, await repo.CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var id = NewId("conn");
        await Connections.CreateAsync(NewConnection(Tenant, id, "slack"), Ct);
        var replacement = FullConnection(Tenant, id);
        replacement.CreatedAt = T0.AddDays(-10);
        replacement.UpdatedAt = T0.AddDays(-1);
        var fresh = FullConnection(OtherTenant, NewId("conn"));

        var written = await Connections.BulkUpsertAsync([replacement, fresh], Ct);

        Assert.Equal(2, written);
        AssertSameDocument(replacement, await Connections.GetAsync(Tenant, id, Ct));
        AssertSameDocument(fresh, await Connections.GetAsync(OtherTenant, fresh.ConnectionId, Ct));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private async Task<List<string>> Ids(ComposioConnectionQuery query)
        => (await Connections.ListAsync(Tenant, query, new PageRequest(1, PageRequest.MaxPageSize), Ct)).Items.Select(x => x.ConnectionId).ToList();

    private static ComposioConnection NewConnection(string tenant, string id, string toolkit) => new()
    {
        ConnectionId = id,
        TenantId = tenant,
        ToolkitName = toolkit,
        ComposioConnectionId = "ca_" + id,
        EncryptedAccessToken = "enc:access",
    };

    /// <summary>A connection as stored (timestamps given), for seeding through the verbatim bulk upsert.</summary>
    private static ComposioConnection Stored(
        string tenant, string id, DateTime createdAt, string toolkit = "slack",
        ComposioConnectionStatus status = ComposioConnectionStatus.Active, DateTime? expiresAt = null) => new()
    {
        ConnectionId = id,
        TenantId = tenant,
        ToolkitName = toolkit,
        ComposioConnectionId = "ca_" + id,
        Status = status,
        EncryptedAccessToken = "enc:access",
        RefreshToken = "enc:refresh",
        ExpiresAt = expiresAt,
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
    };

    private static ComposioConnection FullConnection(string tenant, string id) => new()
    {
        ConnectionId = id,
        TenantId = tenant,
        ToolkitName = "jira",
        ComposioConnectionId = "ca_" + id,
        Status = ComposioConnectionStatus.Revoked,
        EncryptedAccessToken = "CfDJ8-encrypted-access",
        RefreshToken = "CfDJ8-encrypted-refresh",
        ExpiresAt = T0.AddDays(30),
        LastUsedAt = T0.AddMinutes(-5),
        CreatedAt = T0,
        UpdatedAt = T0,
    };
}
