using System.Net;
using Olorin.Server.Security;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Auth;

/// <summary>
/// Walks the route table so that no endpoint, today's or a future one, can forget its policy: each is either marked
/// anonymous (monitoring only) or has the policy its HTTP method calls for, and without a token each API route is 401.
/// </summary>
public sealed class RouteTableAuthorizationTests(JwtApiFixture fixture) : IClassFixture<JwtApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The only paths that may be called without a token: liveness, readiness, status, metrics.</summary>
    private static readonly string[] AnonymousPrefixes = ["/health", "/status", "/metrics"];

    /// <summary>Endpoints that change nothing although their method is not a read (a POST that only carries a query).</summary>
    private static readonly string[] ReadOnlyNonGets = ["POST /anomalies/search/similar"];

    private IReadOnlyList<ApiRoutes.Route> Routes => ApiRoutes.All(fixture.Factory.Services);

    [Fact]
    public void The_route_table_is_the_servers()
    {
        Assert.Contains(Routes, route => route.ToString() == "PATCH /investigations/{investigationId}");
        Assert.Contains(Routes, route => route.ToString() == "GET /health");
    }

    [Fact]
    public void Every_endpoint_is_either_anonymous_monitoring_or_has_the_policy_its_method_calls_for()
    {
        var wrong = new List<string>();
        foreach (var route in Routes)
        {
            if (route.IsAnonymous)
            {
                if (!AnonymousPrefixes.Any(prefix => ("/" + route.Pattern.TrimStart('/')).StartsWith(prefix, StringComparison.Ordinal)))
                    wrong.Add($"{route} is anonymous but is not a monitoring endpoint");
                continue;
            }
            var expected = route.Method is "GET" or "HEAD" || ReadOnlyNonGets.Contains(route.ToString()) ? ApiAuthorization.ReadPolicy : ApiAuthorization.WritePolicy;
            if (route.Policy != expected) wrong.Add($"{route} has policy '{route.Policy ?? "(none)"}', expected '{expected}' (map it inside MapApiGroup)");
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task Without_a_token_every_api_route_is_401_and_every_monitoring_route_answers()
    {
        var client = fixture.Factory.CreateClient();
        var wrong = new List<string>();
        foreach (var route in Routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path(_ => "no-such-id"));
            if (route.Method is not ("GET" or "HEAD" or "DELETE")) request.Content = HttpAssertions.RawJson("{}");
            using var response = await client.SendAsync(request, Ct);
            if (route.IsAnonymous)
            {
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) wrong.Add($"{route}: {(int)response.StatusCode} though anonymous");
            }
            else if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != HttpAssertions.ProblemJson
                     || response.Headers.WwwAuthenticate.FirstOrDefault()?.Scheme != "Bearer")
                wrong.Add($"{route}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task A_route_that_does_not_exist_is_401_without_a_token_and_404_with_one()
    {
        await (await fixture.Factory.CreateClient().GetAsync("/no-such-route", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var reader = fixture.Client(TestTokens.Mint("t1", "u1", "read"));
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/no-such-route", Ct)).StatusCode);
    }
}
