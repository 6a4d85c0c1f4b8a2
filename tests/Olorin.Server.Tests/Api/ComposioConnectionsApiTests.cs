using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Olorin.Server.Security;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class ComposioConnectionsApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private readonly string _otherTenant = $"t2-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null) => fixture.Factory.CreateClient(tenant ?? _tenant, "u1");

    private static object NewConnection(string accessToken = "plain-access-token", string? refreshToken = "plain-refresh-token",
        string toolkit = "slack", DateTime? expiresAt = null, string? status = null) => new
    {
        toolkit_name = toolkit,
        composio_connection_id = "ca_" + Guid.NewGuid().ToString("N"),
        access_token = accessToken,
        refresh_token = refreshToken,
        expires_at = expiresAt,
        status,
    };

    private async Task<(string Id, string Json)> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/composio/connections", body, Ct);
        var json = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json);
        return (JsonNode.Parse(json)!["connection_id"]!.GetValue<string>(), json);
    }

    private async Task<(string Access, string? Refresh)> StoredTokensAsync(string connectionId)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT encrypted_access_token, refresh_token FROM composio_connections WHERE connection_id = @id", connection);
        command.Parameters.AddWithValue("id", connectionId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private ComposioTokenProtector Protector => fixture.Factory.Services.GetRequiredService<ComposioTokenProtector>();

    private static void AssertNoTokens(string json)
    {
        Assert.DoesNotContain("token", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("plain-", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_are_never_returned_by_create_get_list_refresh_or_patch()
    {
        var client = Client();
        var (id, created) = await CreateAsync(client, NewConnection());
        AssertNoTokens(created);
        var body = JsonNode.Parse(created)!.AsObject();
        Assert.Equal("active", body["status"]!.GetValue<string>());
        Assert.Equal("slack", body["toolkit_name"]!.GetValue<string>());
        Assert.False(body.ContainsKey("tenant_id"));

        AssertNoTokens(await client.GetStringAsync($"/composio/connections/{id}", Ct));
        AssertNoTokens(await client.GetStringAsync("/composio/connections", Ct));
        AssertNoTokens(await (await client.PostAsJsonAsync($"/composio/connections/{id}/refresh",
            new { access_token = "plain-new-access", refresh_token = "plain-new-refresh" }, Ct)).Content.ReadAsStringAsync(Ct));
        AssertNoTokens(await (await client.PatchJsonAsync($"/composio/connections/{id}", new { status = "revoked" }, Ct)).Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Both_tokens_are_stored_encrypted_and_decrypt_back_to_what_was_sent()
    {
        var (id, _) = await CreateAsync(Client(), NewConnection("plain-access-token", "plain-refresh-token"));

        var (access, refresh) = await StoredTokensAsync(id);
        Assert.NotEqual("plain-access-token", access);
        Assert.NotEqual("plain-refresh-token", refresh);
        Assert.DoesNotContain("plain-", access + refresh, StringComparison.Ordinal);
        Assert.Equal("plain-access-token", Protector.Unprotect(access));
        Assert.Equal("plain-refresh-token", Protector.Unprotect(refresh!));
    }

    [Fact]
    public async Task Refresh_stores_new_encrypted_tokens_and_expiry_keeps_the_refresh_token_when_none_is_issued_and_reactivates()
    {
        var client = Client();
        var (id, _) = await CreateAsync(client, NewConnection("plain-old-access", "plain-old-refresh"));
        await (await client.PatchJsonAsync($"/composio/connections/{id}", new { status = "expired" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var expiresAt = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var refreshed = await (await client.PostAsJsonAsync($"/composio/connections/{id}/refresh",
            new { access_token = "plain-new-access", expires_at = expiresAt }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("active", refreshed["status"]!.GetValue<string>());
        Assert.Equal(expiresAt, refreshed["expires_at"]!.GetValue<DateTime>().ToUniversalTime());

        var (access, refresh) = await StoredTokensAsync(id);
        Assert.Equal("plain-new-access", Protector.Unprotect(access));
        Assert.Equal("plain-old-refresh", Protector.Unprotect(refresh!));

        await (await client.PostAsJsonAsync($"/composio/connections/{id}/refresh",
            new { access_token = "plain-newer-access", refresh_token = "plain-new-refresh" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("plain-new-refresh", Protector.Unprotect((await StoredTokensAsync(id)).Refresh!));
    }

    [Fact]
    public async Task Another_tenants_connection_is_404_on_every_route()
    {
        var (id, _) = await CreateAsync(Client(), NewConnection());
        var other = Client(_otherTenant);

        await (await other.GetAsync($"/composio/connections/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsJsonAsync($"/composio/connections/{id}/refresh", new { access_token = "x" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsJsonAsync($"/composio/connections/{id}/refresh", new { access_token = "x", refresh_token = "y" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PatchJsonAsync($"/composio/connections/{id}", new { status = "revoked" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/composio/connections/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await other.GetAsync("/composio/connections", Ct)).AssertJsonAsync(HttpStatusCode.OK))["totalCount"]!.GetValue<long>());

        Assert.Equal("plain-access-token", Protector.Unprotect((await StoredTokensAsync(id)).Access)); // untouched
    }

    [Fact]
    public async Task Delete_is_204_then_404_and_a_duplicate_id_is_409()
    {
        var client = Client();
        var id = "conn-" + Guid.NewGuid().ToString("N");
        await CreateAsync(client, new { connection_id = id, toolkit_name = "github", composio_connection_id = "ca_1", access_token = "t" });
        await (await client.PostAsJsonAsync("/composio/connections",
            new { connection_id = id, toolkit_name = "github", composio_connection_id = "ca_2", access_token = "t" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/composio/connections/{id}", Ct)).StatusCode);
        await (await client.GetAsync($"/composio/connections/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/composio/connections/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"composio_connection_id\":\"c\",\"access_token\":\"t\"}", "toolkit_name")]
    [InlineData("{\"toolkit_name\":\"slack\",\"access_token\":\"t\"}", "composio_connection_id")]
    [InlineData("{\"toolkit_name\":\"slack\",\"composio_connection_id\":\"c\"}", "access_token")]
    [InlineData("{\"toolkit_name\":\"slack\",\"composio_connection_id\":\"c\",\"access_token\":\"\"}", "access_token")]
    [InlineData("{\"toolkit_name\":\"slack\",\"composio_connection_id\":\"c\",\"access_token\":\"t\",\"refresh_token\":\"\"}", "refresh_token")]
    [InlineData("{\"toolkit_name\":\"slack\",\"composio_connection_id\":\"c\",\"access_token\":\"t\",\"status\":\"paused\"}", "status")]
    public async Task Invalid_create_input_is_a_400_naming_the_field(string json, string field)
    {
        var response = await Client().PostAsync("/composio/connections", HttpAssertions.RawJson(json), Ct);
        Assert.NotNull((await response.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]![field]);
    }

    [Fact]
    public async Task Status_changes_accept_only_active_expired_or_revoked()
    {
        var client = Client();
        var (id, _) = await CreateAsync(client, NewConnection());

        var revoked = await (await client.PatchJsonAsync($"/composio/connections/{id}", new { status = "revoked" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("revoked", revoked["status"]!.GetValue<string>());
        Assert.NotNull((await (await client.PatchJsonAsync($"/composio/connections/{id}", new { status = "paused" }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!["status"]);
        Assert.NotNull((await (await client.PatchJsonAsync($"/composio/connections/{id}", new { }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!["status"]);
        Assert.NotNull((await (await client.PostAsJsonAsync($"/composio/connections/{id}/refresh", new { }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]!["access_token"]);
    }

    [Fact]
    public async Task The_list_filters_by_toolkit_status_and_expiry()
    {
        var client = Client();
        var past = await CreateAsync(client, NewConnection(toolkit: "slack", expiresAt: DateTime.UtcNow.AddHours(-1)));
        var future = await CreateAsync(client, NewConnection(toolkit: "slack", expiresAt: DateTime.UtcNow.AddHours(1)));
        var marked = await CreateAsync(client, NewConnection(toolkit: "github", status: "expired"));
        var open = await CreateAsync(client, NewConnection(toolkit: "github"));

        // Connections made in the same millisecond tie on created_at, so the filters are checked as sets.
        Assert.Equal(Sorted(future.Id, past.Id), Sorted(Ids(await ListAsync(client, "toolkit_name=slack"))));
        Assert.Equal([marked.Id], Ids(await ListAsync(client, "status=expired")));
        Assert.Equal(Sorted(marked.Id, past.Id), Sorted(Ids(await ListAsync(client, "expired=true"))));
        Assert.Equal(Sorted(open.Id, marked.Id, future.Id, past.Id), Sorted(Ids(await ListAsync(client, ""))));

        var page = await ListAsync(client, "page=2&page_size=3");
        Assert.Single(Ids(page));
        Assert.Equal(4, page["totalCount"]!.GetValue<long>());
        Assert.True(page["hasPreviousPage"]!.GetValue<bool>());
        Assert.False(page["hasNextPage"]!.GetValue<bool>());

        await (await client.GetAsync("/composio/connections?status=paused", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static async Task<JsonObject> ListAsync(HttpClient client, string query)
        => await (await client.GetAsync($"/composio/connections?{query}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

    private static List<string> Sorted(params IEnumerable<string> ids) => ids.Order(StringComparer.Ordinal).ToList();

    private static List<string> Ids(JsonObject list) => list["connections"]!.AsArray().Select(c => c!["connection_id"]!.GetValue<string>()).ToList();
}
