using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>Issue #10, items 4–5: the polling API at /api/v1/polling with its intervals, ETags and rate limit (defaults 60 per 60 s).</summary>
public sealed class PollingApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private readonly string _user = $"u-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string? tenant = null, string? user = null) => fixture.Factory.CreateClient(tenant ?? _tenant, user ?? _user);

    private async Task<string> CreateAsync(HttpClient client, string status = "CREATED")
    {
        var id = "inv-" + Guid.NewGuid().ToString("N");
        var response = await client.PostAsJsonAsync("/investigations", new { investigation_id = id, status }, Ct);
        await response.AssertJsonAsync(HttpStatusCode.Created);
        return id;
    }

    [Fact]
    public async Task Polling_the_state_gives_the_investigation_an_interval_and_an_etag_then_304()
    {
        var client = Client();
        var id = await CreateAsync(client, "IN_PROGRESS");

        var response = await client.GetAsync($"/api/v1/polling/investigation-state/{id}", Ct);
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, body["state_data"]!["investigation_id"]!.GetValue<string>());
        Assert.Equal(2000, body["recommended_interval_ms"]!.GetValue<int>());
        Assert.Equal("2000", response.Headers.GetValues("X-Recommended-Interval").Single());
        Assert.Equal(response.Headers.ETag!.ToString(), body["etag"]!.GetValue<string>());
        Assert.Equal("60", response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("59", response.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.InRange(int.Parse(response.Headers.GetValues("X-RateLimit-Reset").Single()), 1, 60);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/polling/investigation-state/{id}");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        var notModified = await client.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("2000", notModified.Headers.GetValues("X-Recommended-Interval").Single());

        await client.PatchJsonAsync($"/investigations/{id}", new { version = 1, progress = new { progress_percentage = 50 } }, Ct);
        using var changed = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/polling/investigation-state/{id}");
        changed.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(changed, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("CREATED", 5000)]
    [InlineData("SETTINGS", 5000)]
    [InlineData("IN_PROGRESS", 2000)]
    [InlineData("COMPLETED", 30000)]
    [InlineData("ERROR", 30000)]
    [InlineData("CANCELLED", 30000)]
    public async Task The_recommended_interval_follows_the_status(string status, int expectedMs)
    {
        var client = Client();
        var id = await CreateAsync(client, status);
        var summary = await client.GetAsync($"/api/v1/polling/investigation-state/{id}/summary", Ct);
        var body = await summary.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(expectedMs, body["recommended_interval_ms"]!.GetValue<int>());
        Assert.Equal(expectedMs.ToString(), summary.Headers.GetValues("X-Recommended-Interval").Single());
    }

    [Fact]
    public async Task The_summary_reads_phase_and_percentage_from_progress()
    {
        var client = Client();
        var id = await CreateAsync(client, "IN_PROGRESS");
        await client.PatchJsonAsync($"/investigations/{id}", new { version = 1, progress = new { current_phase = "network", progress_percentage = 42.5, extra = 1 } }, Ct);

        var body = await (await client.GetAsync($"/api/v1/polling/investigation-state/{id}/summary", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("network", body["current_phase"]!.GetValue<string>());
        Assert.Equal(42.5, body["progress_percentage"]!.GetValue<double>());
        Assert.Equal("IN_PROGRESS", body["status"]!.GetValue<string>());
        Assert.NotNull(body["updated_at"]);
    }

    [Fact]
    public async Task Polling_changes_gives_the_delta_with_the_interval()
    {
        var client = Client();
        var id = await CreateAsync(client, "IN_PROGRESS");
        await client.PatchJsonAsync($"/investigations/{id}", new { version = 1, status = "COMPLETED" }, Ct);

        var response = await client.GetAsync($"/api/v1/polling/investigation-state/{id}/changes?since_version=1", Ct);
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, Assert.Single(body["changes"]!.AsArray())!["version"]!.GetValue<int>());
        Assert.Equal(30000, body["recommended_interval_ms"]!.GetValue<int>());
        await (await client.GetAsync($"/api/v1/polling/investigation-state/{id}/changes?since_version=x", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Active_investigations_are_the_callers_unfinished_ones_newest_first()
    {
        var client = Client();
        var created = await CreateAsync(client, "CREATED");
        var running = await CreateAsync(client, "IN_PROGRESS");
        await CreateAsync(client, "COMPLETED");
        await CreateAsync(Client(user: "someone-else"), "IN_PROGRESS");

        var body = await (await client.GetAsync("/api/v1/polling/active-investigations", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal([running, created], body["investigations"]!.AsArray().Select(i => i!["investigation_id"]!.GetValue<string>()));
        Assert.Equal(2000, body["recommended_interval_ms"]!.GetValue<int>());

        var one = await (await client.GetAsync("/api/v1/polling/active-investigations?limit=1", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(running, Assert.Single(one["investigations"]!.AsArray())!["investigation_id"]!.GetValue<string>());
        await (await client.GetAsync("/api/v1/polling/active-investigations?limit=0", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/v1/polling/investigation-state/{0}")]
    [InlineData("/api/v1/polling/investigation-state/{0}/summary")]
    [InlineData("/api/v1/polling/investigation-state/{0}/changes?since_version=0")]
    public async Task Another_tenants_investigation_is_a_404(string route)
    {
        var id = await CreateAsync(Client());
        await (await Client($"other-{Guid.NewGuid():N}").GetAsync(string.Format(route, id), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_61st_poll_in_a_minute_is_a_429_with_Retry_After_and_other_callers_are_not_affected()
    {
        var client = Client();
        var id = await CreateAsync(client, "IN_PROGRESS");
        for (var i = 1; i <= 60; i++)
        {
            var ok = await client.GetAsync($"/api/v1/polling/investigation-state/{id}/summary", Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal((60 - i).ToString(), ok.Headers.GetValues("X-RateLimit-Remaining").Single());
        }

        var limited = await client.GetAsync($"/api/v1/polling/investigation-state/{id}", Ct);
        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("60", problem["detail"]!.GetValue<string>());
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Equal("0", limited.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal("60", limited.Headers.GetValues("X-RateLimit-Limit").Single());

        // Per tenant+user, and only on the polling API.
        Assert.Equal(HttpStatusCode.OK, (await Client(user: "another-user").GetAsync("/api/v1/polling/active-investigations", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/investigations/{id}", Ct)).StatusCode);
    }
}
