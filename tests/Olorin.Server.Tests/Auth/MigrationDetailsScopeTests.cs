using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Authentication;
using Olorin.Migration.Verification;
using Olorin.Server.Migration;
using Olorin.Server.Status;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Auth;

/// <summary>
/// <c>/status/migration/details</c> in <c>AUTH_MODE=jwt</c>: the caller's tenant's document ids, every tenant's only
/// with the <c>admin</c> scope, a 403 ProblemDetails for another tenant's without it.
/// </summary>
public sealed class MigrationDetailsScopeTests(JwtApiFixture fixture) : IClassFixture<JwtApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";

    private HttpClient Client(params string[] scopes) => fixture.Client(TestTokens.Mint(_tenant, "u1", scopes));

    [Fact]
    public async Task A_read_token_gets_its_own_tenants_details_and_a_403_problem_for_another_tenants()
    {
        var own = await (await Client(OlorinScopes.Read).GetAsync(MigrationStatusApi.DetailsPath, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("postgres", own["phase"]!.GetValue<string>());
        await (await Client(OlorinScopes.Read).GetAsync($"{MigrationStatusApi.DetailsPath}?tenant={_tenant}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var refused = await Client(OlorinScopes.Read, OlorinScopes.Write).GetAsync($"{MigrationStatusApi.DetailsPath}?tenant=someone-else", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Ct))!.AsObject();
        Assert.Equal(403, problem["status"]!.GetValue<int>());
        Assert.Contains("'admin' scope", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_admin_token_sees_any_tenant_and_the_admin_scope_alone_grants_no_read()
    {
        await (await Client(OlorinScopes.Read, OlorinScopes.Admin).GetAsync($"{MigrationStatusApi.DetailsPath}?tenant=someone-else", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await Client(OlorinScopes.Read, OlorinScopes.Admin).GetAsync(MigrationStatusApi.DetailsPath, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(OlorinScopes.Admin).GetAsync(MigrationStatusApi.DetailsPath, Ct)).StatusCode);
    }

    [Fact]
    public void Narrowed_to_a_tenant_the_details_keep_its_mismatches_and_differences_and_drop_free_text_errors()
    {
        var at = new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
        var report = new ShadowReadReport(true, 1, 3, 0, 3, 1, 2, 0, 1, 2, false, "read failed for other/det-9",
            [new ShadowMismatch("detectors", "mine", "det-1", ["name"], at), new ShadowMismatch("detectors", "other", "det-2", ["name"], at)],
            [new ShadowMismatch("detectors", "other", "det-2", ["name"], at)]);
        var verification = new VerificationRecord { Differences = ["detectors mine/det-1 different [name]", "templates other/tpl-1 missing", "templates mine-too/tpl-2 missing"] };
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

        var scoped = MigrationDetailsScope.For(options, "mine");
        var shadow = JsonSerializer.SerializeToNode(report, scoped)!.AsObject();
        Assert.Equal(["det-1"], shadow["unresolved_mismatches"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Empty(shadow["latest_mismatches"]!.AsArray());
        Assert.False(shadow.ContainsKey("last_error"));
        Assert.Equal(2, shadow["mismatched"]!.GetValue<long>()); // the counts stay whole
        var differences = JsonSerializer.SerializeToNode(verification, scoped)!["differences"]!.AsArray();
        Assert.Equal(["detectors mine/det-1 different [name]"], differences.Select(d => d!.GetValue<string>()));

        // Unscoped (admin): everything.
        var all = JsonSerializer.SerializeToNode(report, options)!.AsObject();
        Assert.Equal(2, all["unresolved_mismatches"]!.AsArray().Count);
        Assert.Equal("read failed for other/det-9", all["last_error"]!.GetValue<string>());
    }

    [Fact]
    public void A_tenant_id_with_a_slash_is_not_read_as_a_shorter_tenant_with_an_id_prefix()
    {
        var mismatches = new List<DocumentMismatch>
        {
            new("detectors", "missing", "acme/x", "det-1", []),
            new("detectors", "missing", "acme", "x/det-2", []),
            new("detectors", "missing", "100%", "det-3", []),
        };
        var at = new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
        var verification = VerificationRecord.From("a", "b", "postgres", "postgres", at, at,
            [new CollectionVerification("detectors", 3, 0, 3, 1, 1, 3, 0, 0, mismatches, null, TimeSpan.Zero, false)], []);
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

        string[] Differences(string tenant) => JsonSerializer.SerializeToNode(verification, MigrationDetailsScope.For(options, tenant))!["differences"]!
            .AsArray().Select(d => d!.GetValue<string>()).ToArray();

        Assert.Equal(["detectors acme/x/det-2 missing"], Differences("acme"));
        Assert.Equal(["detectors acme%2Fx/det-1 missing"], Differences("acme/x"));
        Assert.Equal(["detectors 100%25/det-3 missing"], Differences("100%"));
    }
}
