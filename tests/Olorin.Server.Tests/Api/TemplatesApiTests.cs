using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class TemplatesApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private readonly string _otherTenant = $"t2-{Guid.NewGuid():N}";
    private const string Owner = "alice";
    private const string Colleague = "bob";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string user = Owner, string? tenant = null) => fixture.Factory.CreateClient(tenant ?? _tenant, user);

    private static async Task<JsonObject> CreateAsync(HttpClient client, object body)
        => await (await client.PostAsJsonAsync("/templates", body, Ct)).AssertJsonAsync(HttpStatusCode.Created);

    [Fact]
    public async Task Create_is_201_owned_by_the_caller_and_get_is_404_in_another_tenant()
    {
        var response = await Client().PostAsJsonAsync("/templates", new
        {
            name = "Card testing sweep",
            description = "Checks card-testing patterns",
            tags = new[] { "cards", "fast" },
            template = new { entity_type = "email", agents = new[] { "network" }, settings = new { depth = 2 } },
        }, Ct);

        var created = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = created["template_id"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal(Owner, created["user_id"]!.GetValue<string>());
        Assert.Equal(0, created["usage_count"]!.GetValue<long>());
        Assert.Null(created["last_used"]);
        Assert.Equal("network", created["template"]!["agents"]![0]!.GetValue<string>());
        Assert.Equal(2, created["template"]!["settings"]!["depth"]!.GetValue<int>());
        Assert.False(created.ContainsKey("tenant_id"));
        Assert.Equal($"/templates/{id}", response.Headers.Location!.OriginalString);

        var read = await (await Client(Colleague).GetAsync($"/templates/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Card testing sweep", read["name"]!.GetValue<string>());
        await (await Client(tenant: _otherTenant).GetAsync($"/templates/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_name_is_unique_per_user_so_reusing_it_is_a_409_but_another_user_may()
    {
        await CreateAsync(Client(), new { name = "Daily" });
        var again = await Client().PostAsJsonAsync("/templates", new { name = "Daily" }, Ct);
        Assert.Contains("Daily", (await again.AssertProblemAsync(HttpStatusCode.Conflict))["detail"]!.GetValue<string>());

        await CreateAsync(Client(Colleague), new { name = "Daily" });

        var id = "tpl-" + Guid.NewGuid().ToString("N");
        await CreateAsync(Client(), new { template_id = id, name = "Weekly" });
        await (await Client().PostAsJsonAsync("/templates", new { template_id = id, name = "Monthly" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"x\",\"description\":\"D2001\"}", "description")]
    [InlineData("{\"name\":\"N501\"}", "name")]
    [InlineData("{\"name\":\"x\",\"tags\":[null]}", "tags[0]")]
    [InlineData("{\"name\":\"x\",\"template_id\":\"\"}", "template_id")]
    public async Task Invalid_input_is_a_400_naming_the_field(string json, string field)
    {
        json = json.Replace("D2001", new string('d', 2001)).Replace("N501", new string('n', 501));
        var response = await Client().PostAsync("/templates", HttpAssertions.RawJson(json), Ct);
        Assert.NotNull((await response.AssertProblemAsync(HttpStatusCode.BadRequest))["errors"]![field]);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent_and_only_for_the_owner()
    {
        var id = (await CreateAsync(Client(), new { name = "Before", description = "kept", tags = new[] { "a" } }))["template_id"]!.GetValue<string>();

        var updated = await (await Client().PatchJsonAsync($"/templates/{id}", new { name = "After", tags = new[] { "b", "c" } }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("After", updated["name"]!.GetValue<string>());
        Assert.Equal("kept", updated["description"]!.GetValue<string>());
        Assert.Equal(["b", "c"], updated["tags"]!.AsArray().Select(t => t!.GetValue<string>()));

        await (await Client(Colleague).PatchJsonAsync($"/templates/{id}", new { name = "Hijack" }, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await Client(tenant: _otherTenant).PatchJsonAsync($"/templates/{id}", new { name = "Hijack" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client().PatchJsonAsync($"/templates/{id}", new { name = new string('n', 501) }, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        await CreateAsync(Client(), new { name = "Taken" });
        await (await Client().PatchJsonAsync($"/templates/{id}", new { name = "Taken" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Delete_is_403_for_another_user_404_for_another_tenant_and_204_for_the_owner()
    {
        var id = (await CreateAsync(Client(), new { name = "Doomed" }))["template_id"]!.GetValue<string>();

        var refused = await (await Client(Colleague).DeleteAsync($"/templates/{id}", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal($"Only the owner of template '{id}' may change or delete it.", refused["detail"]!.GetValue<string>());
        await (await Client(tenant: _otherTenant).DeleteAsync($"/templates/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await Client().DeleteAsync($"/templates/{id}", Ct)).StatusCode);
        await (await Client().GetAsync($"/templates/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client().DeleteAsync($"/templates/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Use_counts_every_use_sets_last_used_and_orders_the_list_most_used_first()
    {
        var rare = (await CreateAsync(Client(), new { name = "Rare", tags = new[] { "x" } }))["template_id"]!.GetValue<string>();
        var popular = (await CreateAsync(Client(Colleague), new { name = "Popular", tags = new[] { "x", "y" } }))["template_id"]!.GetValue<string>();

        var once = await (await Client(Colleague).PostAsync($"/templates/{popular}/use", null, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, once["usage_count"]!.GetValue<long>());
        Assert.NotNull(once["last_used"]);
        var twice = await (await Client().PostAsync($"/templates/{popular}/use", null, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, twice["usage_count"]!.GetValue<long>());

        var all = await (await Client().GetAsync("/templates", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal([popular, rare], Ids(all));
        Assert.Equal(2, all["totalCount"]!.GetValue<long>());
        Assert.False(all["hasNextPage"]!.GetValue<bool>());

        Assert.Equal([rare], Ids(await (await Client().GetAsync($"/templates?user_id={Owner}", Ct)).AssertJsonAsync(HttpStatusCode.OK)));
        Assert.Equal([popular], Ids(await (await Client().GetAsync("/templates?tag=y", Ct)).AssertJsonAsync(HttpStatusCode.OK)));
        Assert.Empty(Ids(await (await Client(tenant: _otherTenant).GetAsync("/templates", Ct)).AssertJsonAsync(HttpStatusCode.OK)));

        await (await Client(tenant: _otherTenant).PostAsync($"/templates/{popular}/use", null, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client().GetAsync("/templates?page_size=101", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static List<string> Ids(JsonObject list) => list["templates"]!.AsArray().Select(t => t!["template_id"]!.GetValue<string>()).ToList();
}
