using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Auth;

/// <summary><c>AUTH_MODE=jwt</c> with a shared HS256 key: real tokens, the real JwtBearer handler, real PostgreSQL.</summary>
public sealed class JwtAuthenticationTests(JwtApiFixture fixture) : IClassFixture<JwtApiFixture>
{
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";
    private readonly string _otherTenant = $"o-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string scopes = "read write", string? tenant = null, string user = "u1")
        => fixture.Client(TestTokens.Mint(tenant ?? _tenant, user, scopes.Split(' ')));

    private async Task<JsonObject> CreateInvestigationAsync(HttpClient client)
        => await (await client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created);

    [Fact]
    public async Task A_valid_token_works_in_its_tenant_as_its_user()
    {
        var client = Client();
        var created = await CreateInvestigationAsync(client);
        Assert.Equal("u1", created["user_id"]!.GetValue<string>());
        var id = created["investigation_id"]!.GetValue<string>();

        await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var list = await (await client.GetAsync("/investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(list["investigations"]!.AsArray())!["investigation_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tenants_document_is_404_and_missing_from_its_lists()
    {
        var id = (await CreateInvestigationAsync(Client()))["investigation_id"]!.GetValue<string>();
        var stranger = Client(tenant: _otherTenant);

        await (await stranger.GetAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.PatchJsonAsync($"/investigations/{id}", new { version = 1, status = "IN_PROGRESS" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.DeleteAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await stranger.GetAsync("/investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK))["investigations"]!.AsArray());
        await (await Client().GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_token_an_api_route_is_401_with_a_bearer_challenge_and_a_problem()
    {
        var response = await fixture.Factory.CreateClient().GetAsync("/investigations", Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("bearer token", problem["detail"]!.GetValue<string>());
    }

    public static TheoryData<string, string> BadTokens()
    {
        var claims = TestTokens.Claims("t-bad", "u1", "read write");
        var now = DateTime.UtcNow;
        return new TheoryData<string, string>
        {
            { "expired", TestTokens.Build(claims, TestTokens.SharedKey, d => { d.IssuedAt = now.AddHours(-2); d.NotBefore = now.AddHours(-2); d.Expires = now.AddMinutes(-5); }) },
            { "not yet valid", TestTokens.Build(claims, TestTokens.SharedKey, d => { d.NotBefore = now.AddDays(1); d.Expires = now.AddDays(2); }) },
            { "signed with another key", TestTokens.Build(claims, TestTokens.Hmac("another-key-of-enough-length-0123456789-xyz")) },
            { "wrong issuer", TestTokens.Build(claims, TestTokens.SharedKey, d => d.Issuer = "https://evil.example.com") },
            { "no issuer", TestTokens.Build(claims, TestTokens.SharedKey, d => d.Issuer = null) },
            { "wrong audience", TestTokens.Build(claims, TestTokens.SharedKey, d => d.Audience = "another-api") },
            { "alg none", TestTokens.Build(claims, credentials: null) },
            { "HS384 with the right key", TestTokens.Build(claims, new SigningCredentials(TestTokens.SharedKey.Key, SecurityAlgorithms.HmacSha384)) },
            { "no expiry", TestTokens.Build(claims, TestTokens.SharedKey, d => d.Expires = null) },
            { "no user", TestTokens.Build(new Dictionary<string, object> { ["tenant_id"] = "t-bad", ["scope"] = "read write" }, TestTokens.SharedKey) },
            { "tenant too long", TestTokens.Build(TestTokens.Claims(new string('t', 256), "u1", "read write"), TestTokens.SharedKey) },
            { "not a JWT", "not-a-jwt" },
        };
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_token_that_does_not_verify_is_401(string why, string token)
    {
        var response = await fixture.Client(token).GetAsync("/investigations", Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("invalid_token", challenge.Parameter ?? "");
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.GetValue<string>()), why);
    }

    [Fact]
    public async Task The_problem_says_why_the_token_failed()
    {
        var now = DateTime.UtcNow;
        var expired = TestTokens.Build(TestTokens.Claims(_tenant, "u1", "read"), TestTokens.SharedKey,
            d => { d.IssuedAt = now.AddHours(-2); d.NotBefore = now.AddHours(-2); d.Expires = now.AddMinutes(-5); });
        var problem = await (await fixture.Client(expired).GetAsync("/investigations", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The bearer token has expired.", problem["detail"]!.GetValue<string>());

        var forged = TestTokens.Build(TestTokens.Claims(_tenant, "u1", "read"), TestTokens.Hmac("another-key-of-enough-length-0123456789-xyz"));
        problem = await (await fixture.Client(forged).GetAsync("/investigations", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The bearer token's signature does not verify.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_inside_the_clock_skew_is_still_accepted()
    {
        var now = DateTime.UtcNow;
        var justExpired = TestTokens.Build(TestTokens.Claims(_tenant, "u1", "read"), TestTokens.SharedKey,
            d => { d.IssuedAt = now.AddHours(-1); d.NotBefore = now.AddHours(-1); d.Expires = now.AddSeconds(-5); });
        await (await fixture.Client(justExpired).GetAsync("/investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_read_token_reads_but_cannot_write_403_naming_the_scope()
    {
        var writer = Client("write"); // write alone also reads
        var id = (await CreateInvestigationAsync(writer))["investigation_id"]!.GetValue<string>();
        await (await writer.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var reader = Client("read");
        await (await reader.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var response = await reader.PatchJsonAsync($"/investigations/{id}", new { version = 1, status = "IN_PROGRESS" }, Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("This request needs the 'write' scope; the token grants read.", problem["detail"]!.GetValue<string>());
        Assert.Contains("insufficient_scope", Assert.Single(response.Headers.WwwAuthenticate).Parameter);
        await (await reader.PostAsJsonAsync("/investigations", new { }, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.DeleteAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);

        var stored = await (await writer.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, stored["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_token_without_scopes_reads_nothing()
    {
        var none = fixture.Client(TestTokens.Build(new Dictionary<string, object> { ["sub"] = "u1", ["tenant_id"] = _tenant }, TestTokens.SharedKey));
        var problem = await (await none.GetAsync("/investigations", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("This request needs the 'read' or 'write' scope; the token grants none.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_search_by_post_needs_only_read()
        => await (await Client("read").PostAsJsonAsync("/anomalies/search/similar", new { vector = Api.AnomaliesApiTests.Vector(1) }, Ct))
            .AssertJsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task Scopes_may_come_as_a_scopes_array_like_the_existing_servers_tokens()
    {
        var token = TestTokens.Build(new Dictionary<string, object>
        {
            ["sub"] = "u1",
            ["tenant_id"] = _tenant,
            ["scopes"] = new[] { "read", "write" },
        }, TestTokens.SharedKey);
        await CreateInvestigationAsync(fixture.Client(token));
    }

    [Fact]
    public async Task Without_a_tenant_claim_the_default_tenant_is_used()
    {
        var token = TestTokens.Build(new Dictionary<string, object> { ["sub"] = $"u-{Guid.NewGuid():N}", ["scope"] = "read write" }, TestTokens.SharedKey);
        var id = (await CreateInvestigationAsync(fixture.Client(token)))["investigation_id"]!.GetValue<string>();

        await (await Client(tenant: "default").GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await Client().GetAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Identity_headers_are_ignored_in_jwt_mode()
    {
        var id = (await CreateInvestigationAsync(Client()))["investigation_id"]!.GetValue<string>();
        var stranger = Client(tenant: _otherTenant);
        stranger.DefaultRequestHeaders.Add("X-Tenant-Id", _tenant);
        stranger.DefaultRequestHeaders.Add("X-User-Id", "u1");

        await (await stranger.GetAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await fixture.Factory.CreateClient(_tenant, "u1").GetAsync($"/investigations/{id}", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/status")]
    [InlineData("/swagger/v1/swagger.json")]
    public async Task Monitoring_and_the_api_description_need_no_token(string path)
        => Assert.Equal(HttpStatusCode.OK, (await fixture.Factory.CreateClient().GetAsync(path, Ct)).StatusCode);

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_scheme_and_each_operations_scope()
    {
        var document = JsonNode.Parse(await fixture.Factory.CreateClient().GetStringAsync("/swagger/v1/swagger.json", Ct))!;
        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());

        var investigation = document["paths"]!["/investigations/{investigationId}"]!;
        Assert.Equal("read", investigation["get"]!["security"]![0]!["Bearer"]![0]!.GetValue<string>());
        Assert.Equal("write", investigation["patch"]!["security"]![0]!["Bearer"]![0]!.GetValue<string>());
        Assert.Null(document["paths"]!["/status"]!["get"]!["security"]);
    }
}
