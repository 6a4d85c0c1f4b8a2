using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Olorin.Server.Tests.Infrastructure;

public static class HttpAssertions
{
    public const string ProblemJson = "application/problem+json";

    /// <summary>Asserts the status and an RFC 9457 body; returns the body.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        Assert.DoesNotContain("   at ", text); // no stack trace
        return problem;
    }

    public static async Task<JsonObject> AssertJsonAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task AssertNoContentAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Expected 204, got {(int)response.StatusCode}: {text}");
    }

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, object body, CancellationToken ct)
        => client.PatchAsync(url, JsonContent.Create(body), ct);

    public static StringContent RawJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
