extern alias cli;

using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using cli::Olorin.Cli.Commands;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Auth;

/// <summary><c>scripts/olorin token</c>: run through its command line, and its token used against the real server.</summary>
public sealed class TokenCommandTests(JwtApiFixture fixture) : IClassFixture<JwtApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Exit, string Output, string Error)> RunAsync(IDictionary<string, string?> settings, params string[] args)
    {
        var root = new RootCommand { TokenCommand.Create(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(["token", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Its_token_carries_the_tenant_user_and_scopes_and_the_server_accepts_it()
    {
        var tenant = $"t-{Guid.NewGuid():N}";
        var (exit, output, error) = await RunAsync(TestTokens.Settings, "--tenant", tenant, "--user", "u1", "--scopes", "read,write", "--expires", "2h");

        Assert.True(exit == 0, error);
        var token = output.Trim();
        Assert.DoesNotContain('\n', token); // only the token on stdout: TOKEN=$(scripts/olorin token …)
        var jwt = new JsonWebToken(token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(tenant, jwt.GetClaim("tenant_id").Value);
        Assert.Equal("u1", jwt.Subject);
        Assert.Equal("read write", jwt.GetClaim("scope").Value);
        Assert.Equal(TestTokens.Issuer, jwt.Issuer);
        Assert.Equal(TestTokens.Audience, Assert.Single(jwt.Audiences));
        Assert.InRange(jwt.ValidTo - jwt.ValidFrom, TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(2));

        var client = fixture.Client(token);
        var created = await (await client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("u1", created["user_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_read_token_from_it_cannot_write()
    {
        var (_, output, _) = await RunAsync(TestTokens.Settings, "--tenant", "t1", "--user", "u1", "--scopes", "read");
        var client = fixture.Client(output.Trim());
        await (await client.GetAsync("/investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync("/investigations", new { }, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task It_uses_the_configured_claim_names()
    {
        var settings = new Dictionary<string, string?>(TestTokens.Settings) { ["JWT_TENANT_CLAIM"] = "org", ["JWT_USER_CLAIM"] = "email" };
        var (exit, output, _) = await RunAsync(settings, "--tenant", "t1", "--user", "u1@example.com", "--scopes", "read");
        Assert.Equal(0, exit);
        var jwt = new JsonWebToken(output.Trim());
        Assert.Equal("t1", jwt.GetClaim("org").Value);
        Assert.Equal("u1@example.com", jwt.GetClaim("email").Value);
    }

    [Theory]
    [InlineData(null, "read", "1h", "JWT_SECRET_KEY is not set")]
    [InlineData("too-short", "read", "1h", "JWT_SECRET_KEY must be at least 32 bytes")]
    [InlineData(TestTokens.SecretKey, "read,root", "1h", "Unknown scope 'root'")]
    [InlineData(TestTokens.SecretKey, "read", "forever", "--expires must be a positive duration")]
    [InlineData(TestTokens.SecretKey, "read", "0m", "--expires must be a positive duration")]
    public async Task It_refuses_without_a_usable_key_or_with_bad_arguments(string? key, string scopes, string expires, string message)
    {
        var settings = new Dictionary<string, string?> { ["JWT_SECRET_KEY"] = key };
        var (exit, output, error) = await RunAsync(settings, "--tenant", "t1", "--user", "u1", "--scopes", scopes, "--expires", expires);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task Tenant_user_and_scopes_are_required()
    {
        var (exit, output, _) = await RunAsync(TestTokens.Settings, "--tenant", "t1");
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("eyJ", output);
    }
}
