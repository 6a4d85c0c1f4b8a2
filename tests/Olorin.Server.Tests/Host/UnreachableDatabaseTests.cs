using System.Net;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Host;

/// <summary>A server whose database port is closed (127.0.0.1:1): answers 503 ProblemDetails at once.</summary>
public sealed class UnreachableDatabaseTests : IAsyncLifetime
{
    private readonly OlorinApiFactory _factory = new(new Dictionary<string, string?>(OlorinApiFactory.SettingsFor("", migrate: false))
    {
        ["DATABASE_URL"] = "postgresql://olorin:olorin@127.0.0.1:1/olorin",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client()
    {
        var client = _factory.CreateClient("t1", "u1");
        client.Timeout = TimeSpan.FromSeconds(30); // a hang fails the test instead of blocking the run
        return client;
    }

    public static TheoryData<string, string> DataCalls => new()
    {
        { "GET", "/investigations" },
        { "GET", "/investigations/some-id" },
        { "POST", "/investigations" },
        { "PATCH", "/investigations/some-id" },
        { "DELETE", "/investigations/some-id" },
        { "GET", "/investigations/some-id/history" },
    };

    [Theory]
    [MemberData(nameof(DataCalls))]
    public async Task Data_calls_are_503_problems_with_retry_after(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PATCH") request.Content = HttpAssertions.RawJson("{\"version\": 1}");
        var response = await Client().SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("postgres", problem["detail"]!.GetValue<string>());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Readiness_and_health_are_503_problems_naming_postgres()
    {
        foreach (var path in new[] { "/health/ready", "/health" })
        {
            var problem = await (await Client().GetAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Unhealthy", problem["health_status"]!.GetValue<string>());
            Assert.Equal("Unhealthy", problem["checks"]![0]!["status"]!.GetValue<string>());
            Assert.Equal("postgres", problem["checks"]![0]!["name"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/status")]
    public async Task Liveness_and_status_do_not_depend_on_the_database(string path)
        => await (await Client().GetAsync(path, Ct)).AssertJsonAsync(HttpStatusCode.OK);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}
