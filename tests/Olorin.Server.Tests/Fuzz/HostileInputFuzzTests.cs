using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Fuzz;

/// <summary>
/// Generated bad input over every operation of the OpenAPI document: hostile path ids, query values and bodies
/// (NUL, invalid UTF-8, lone surrogates, duplicate members, nesting, over-long strings, wrong types, broken JSON,
/// wrong media types). Every answer must be a non-5xx, and every error a ProblemDetails naming no .NET type; the
/// tenant's lists must still answer 200 afterwards. Seeded (<see cref="FuzzHarness.SeedVariable"/>).
/// </summary>
public sealed class HostileInputFuzzTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private const string Placeholder = "@@FUZZ@@";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A NUL in the path never reaches a test server (the in-process client refuses to send it); Kestrel answers it 400.
    private static readonly string[] HostileIds = ["a%01b", "%FF%FE", new string('i', 300), "..", "a%2Fb", "%E2%80%AE", "%F0%9F%98%80", "x%20y"];
    private static readonly string[] HostileQueryValues = ["a%00b", "%FF%FE", "%ED%A0%80", "2147483647", "-1", "0", "1e309", "abc", new string('q', 3_000), "%C0%AF", ""];

    private static readonly string[] BodyMutations =
        ["nul", "nul-key", "long", "deep", "wrong-type", "duplicate", "bad-utf8", "surrogate", "truncated", "bom", "latin1", "text-plain", "empty", "huge-number"];

    [Fact]
    public async Task Every_route_answers_hostile_input_with_a_4xx_problem_and_the_tenant_keeps_working()
    {
        var harness = new FuzzHarness();
        var tenant = $"fuzz-{Guid.NewGuid():N}";
        var client = fixture.Factory.CreateClient(tenant, "mallory");
        var (operations, document) = await FuzzHarness.OperationsAsync(client, Ct);
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the OpenAPI document");
        var sent = 0;

        foreach (var operation in operations)
        {
            var validId = $"fz-{harness.Random.Next(1_000_000)}";
            // Hostile path ids, a few per route.
            if (operation.PathParameters.Count > 0)
                foreach (var id in HostileIds.OrderBy(_ => harness.Random.Next()).Take(3))
                {
                    var url = FuzzHarness.Fill(operation.Template, _ => id);
                    await SendAsync(harness, client, FuzzHarness.Request(operation.Method, url, BodyFor(harness, document, operation)), $"{operation} id={id}");
                    sent++;
                }
            // Hostile query values.
            foreach (var parameter in operation.QueryParameters.OrderBy(_ => harness.Random.Next()).Take(4))
            {
                var value = HostileQueryValues[harness.Random.Next(HostileQueryValues.Length)];
                var url = FuzzHarness.Fill(operation.Template, _ => validId) + $"?{parameter}={value}";
                await SendAsync(harness, client, FuzzHarness.Request(operation.Method, url, BodyFor(harness, document, operation)), $"{operation} {parameter}={Short(value)}");
                sent++;
            }
            // Hostile bodies.
            if (operation.BodySchema is not null)
                foreach (var mutation in BodyMutations.OrderBy(_ => harness.Random.Next()).Take(8))
                {
                    var (body, contentType) = Mutate(harness, document, operation, mutation);
                    var url = FuzzHarness.Fill(operation.Template, _ => validId);
                    await SendAsync(harness, client, FuzzHarness.Request(operation.Method, url, body, contentType), $"{operation} body:{mutation}");
                    sent++;
                }
        }

        // What was accepted above must not have poisoned anything: every list of the tenant still answers.
        foreach (var list in operations.Where(o => o.Method == HttpMethod.Get && o.PathParameters.Count == 0 && !o.HasRequiredQuery))
        {
            var response = await client.GetAsync(list.Template, Ct);
            var text = await harness.AssertSaneAsync(response, $"{list} after the sweep");
            // A route whose query it needs (search: q) may say so, naming only its own query parameters.
            var missingQuery = response.StatusCode == HttpStatusCode.BadRequest
                && JsonNode.Parse(text)?["errors"] is JsonObject errors && errors.Count > 0 && errors.All(e => list.QueryParameters.Contains(e.Key));
            Assert.True(response.StatusCode == HttpStatusCode.OK || missingQuery, $"{harness.Replay} {list} after the sweep: {(int)response.StatusCode} {text}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{sent} hostile requests over {operations.Count} operations");
    }

    [Fact]
    public async Task Protocol_edges_are_problem_details_too()
    {
        var harness = new FuzzHarness();
        var client = fixture.Factory.CreateClient($"edge-{Guid.NewGuid():N}", "alice");

        var html = FuzzHarness.Request(HttpMethod.Get, "/no-such-route");
        html.Headers.Accept.ParseAdd("text/html");
        await AssertStatusAsync(harness, client, html, HttpStatusCode.NotFound);
        await AssertStatusAsync(harness, client, FuzzHarness.Request(HttpMethod.Put, "/investigations/"), HttpStatusCode.MethodNotAllowed);
        await AssertStatusAsync(harness, client, FuzzHarness.Request(HttpMethod.Get, "/investigations/?search=" + new string('a', 9_000)), HttpStatusCode.RequestUriTooLong);
        var big = FuzzHarness.Request(HttpMethod.Get, "/investigations/");
        big.Headers.Add("X-Padding", new string('p', 40_000));
        await AssertStatusAsync(harness, client, big, HttpStatusCode.RequestHeaderFieldsTooLarge);
        await AssertStatusAsync(harness, client, FuzzHarness.Request(HttpMethod.Post, "/investigations/", FuzzHarness.Utf8("{}"), "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await AssertStatusAsync(harness, client, FuzzHarness.Request(HttpMethod.Post, "/investigations/", FuzzHarness.Utf8("{}"), "application/json; charset=latin1"), HttpStatusCode.UnsupportedMediaType);
    }

    private static async Task AssertStatusAsync(FuzzHarness harness, HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        var label = $"{request.Method} {Short(request.RequestUri!.OriginalString)}";
        var response = await client.SendAsync(request, Ct);
        await harness.AssertSaneAsync(response, label);
        Assert.True(response.StatusCode == expected, $"{label}: expected {(int)expected}, got {(int)response.StatusCode}");
    }

    private static async Task SendAsync(FuzzHarness harness, HttpClient client, HttpRequestMessage request, string label)
    {
        using var response = await client.SendAsync(request, Ct);
        await harness.AssertSaneAsync(response, label);
    }

    private static byte[]? BodyFor(FuzzHarness harness, JsonObject document, FuzzHarness.Operation operation)
        => operation.BodySchema is null ? null : FuzzHarness.Utf8(harness.Sample(document, operation.BodySchema)?.ToJsonString() ?? "{}");

    private static (byte[] Body, string ContentType) Mutate(FuzzHarness harness, JsonObject document, FuzzHarness.Operation operation, string mutation)
    {
        var sample = harness.Sample(document, operation.BodySchema!) ?? new JsonObject();
        var target = sample is JsonObject o ? PickObject(harness.Random, o) : null;
        var name = target is { Count: > 0 } ? target.ElementAt(harness.Random.Next(target.Count)).Key : "extra";
        const string json = "application/json";
        switch (mutation)
        {
            case "nul": Set(target, name, "a\u0000b"); break;
            case "nul-key": Set(target, "k\u0000", 1); break;
            case "long": Set(target, name, new string('x', 120_000)); break;
            case "deep": Set(target, name, Nest(45)); break;
            case "wrong-type":
                JsonNode?[] wrong = [new JsonArray(), new JsonObject(), true, 1.5, -1, "x", null, long.MaxValue];
                Set(target, name, wrong[harness.Random.Next(wrong.Length)]?.DeepClone());
                break;
            case "bad-utf8": Set(target, name, Placeholder); return (Replace(sample.ToJsonString(), [0xFF, 0xFE, 0x80]), json);
            case "surrogate": Set(target, name, Placeholder); return (FuzzHarness.Utf8(sample.ToJsonString().Replace(Placeholder, "\\ud800", StringComparison.Ordinal)), json);
            case "duplicate":
                var text = sample.ToJsonString();
                return (FuzzHarness.Utf8(text.StartsWith("{\"", StringComparison.Ordinal) ? "{\"dup\":1,\"dup\":2," + text[1..] : "{\"dup\":1,\"dup\":2}"), json);
            case "truncated": var full = sample.ToJsonString(); return (FuzzHarness.Utf8(full[..(full.Length / 2)]), json);
            case "bom": return ([0xEF, 0xBB, 0xBF, .. FuzzHarness.Utf8(sample.ToJsonString())], json);
            case "latin1": return (FuzzHarness.Utf8(sample.ToJsonString()), "application/json; charset=latin1");
            case "text-plain": return (FuzzHarness.Utf8(sample.ToJsonString()), "text/plain");
            case "empty": return ([], json);
            case "huge-number": return (FuzzHarness.Utf8(sample.ToJsonString().Replace("1,", "99999999999999999999999,", StringComparison.Ordinal).Replace(":1}", ":1e309}", StringComparison.Ordinal)), json);
        }
        return (FuzzHarness.Utf8(sample.ToJsonString()), json);
    }

    private static JsonObject PickObject(Random random, JsonObject root)
    {
        var objects = new List<JsonObject> { root };
        void Walk(JsonNode? node)
        {
            if (node is JsonObject obj) { objects.Add(obj); foreach (var (_, child) in obj) Walk(child); }
            else if (node is JsonArray array) foreach (var child in array) Walk(child);
        }
        foreach (var (_, child) in root) Walk(child);
        return objects[random.Next(objects.Count)];
    }

    private static void Set(JsonObject? target, string name, JsonNode? value)
    {
        if (target is not null) target[name] = value;
    }

    private static JsonNode Nest(int depth)
    {
        JsonNode node = 1;
        for (var i = 0; i < depth; i++) node = new JsonObject { ["a"] = node };
        return node;
    }

    private static byte[] Replace(string json, byte[] bytes)
    {
        var at = json.IndexOf(Placeholder, StringComparison.Ordinal);
        var utf8 = Encoding.UTF8;
        return [.. utf8.GetBytes(json[..at]), .. bytes, .. utf8.GetBytes(json[(at + Placeholder.Length)..])];
    }

    private static string Short(string value) => value.Length <= 40 ? value : value[..40] + $"…({value.Length})";
}
