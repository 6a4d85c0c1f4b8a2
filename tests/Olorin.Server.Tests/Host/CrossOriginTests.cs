using System.Net;
using Olorin.Server.Security;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Host;

public sealed class CrossOriginFixture : PostgresApiFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
        => settings[CrossOriginOptions.Variable] = "http://localhost:3000, https://Olorin.Example.com:443";
}

/// <summary>A browser frontend on an allowed origin can call the API and read its concurrency headers; others cannot.</summary>
public sealed class CrossOriginTests(CrossOriginFixture fixture) : IClassFixture<CrossOriginFixture>
{
    private const string Frontend = "http://localhost:3000";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Request(HttpMethod method, string url, string origin, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Origin", origin);
        request.Headers.Add("X-Tenant-Id", $"t-{Guid.NewGuid():N}");
        return request;
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_allows_the_method_and_the_identity_and_version_headers()
    {
        var preflight = Request(HttpMethod.Options, "/investigations/inv-1", Frontend);
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,if-match,x-tenant-id,x-user-id");

        var response = await fixture.Factory.CreateClient().SendAsync(preflight, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Frontend, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("PATCH", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")));
        var allowedHeaders = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        foreach (var header in new[] { "content-type", "if-match", "x-tenant-id", "x-user-id" }) Assert.Contains(header, allowedHeaders);
        Assert.Equal("600", Assert.Single(response.Headers.GetValues("Access-Control-Max-Age")));
    }

    [Fact]
    public async Task A_create_from_an_allowed_origin_exposes_etag_and_location()
    {
        var response = await fixture.Factory.CreateClient().SendAsync(
            Request(HttpMethod.Post, "/investigations", Frontend, HttpAssertions.RawJson("{}")), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Frontend, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("ETag", exposed);
        Assert.Contains("Location", exposed);
    }

    [Fact]
    public async Task Problem_responses_carry_the_cors_headers_too_so_the_browser_can_read_them()
    {
        var malformed = await fixture.Factory.CreateClient().SendAsync(
            Request(HttpMethod.Post, "/investigations", Frontend, HttpAssertions.RawJson("{not json")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True(malformed.Headers.Contains("Access-Control-Allow-Origin"));

        var missing = await fixture.Factory.CreateClient().SendAsync(Request(HttpMethod.Get, "/investigations/no-such", Frontend), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(missing.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_matches_as_the_browser_spells_it()
    {
        var response = await fixture.Factory.CreateClient().SendAsync(Request(HttpMethod.Get, "/investigations", "https://olorin.example.com"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://olorin.example.com", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Another_origin_gets_no_cors_headers()
    {
        var response = await fixture.Factory.CreateClient().SendAsync(Request(HttpMethod.Get, "/investigations", "https://evil.example"), Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

/// <summary>Without CORS_ALLOWED_ORIGINS, no origin is allowed.</summary>
public sealed class CrossOriginDisabledTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    [Fact]
    public async Task No_origin_gets_cors_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/investigations");
        request.Headers.Add("Origin", "http://localhost:3000");

        var response = await fixture.Factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
