using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Fuzz;

/// <summary>
/// What every fuzz test shares: the seed (from <c>OLORIN_FUZZ_SEED</c>, else fresh; always printed, so a failure can
/// be replayed with the same inputs), the routes of the server's own OpenAPI document (so a new route is fuzzed
/// without a new test), and the invariant every answer must keep: no 5xx, and every error a ProblemDetails that
/// names no .NET type and carries no stack trace.
/// </summary>
public sealed class FuzzHarness
{
    public const string SeedVariable = "OLORIN_FUZZ_SEED";

    public FuzzHarness()
    {
        Seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out var seed) ? seed : Random.Shared.Next();
        Random = new Random(Seed);
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz seed {Seed} (replay with {SeedVariable}={Seed})");
    }

    public int Seed { get; }
    public Random Random { get; }
    public string Replay => $"[{SeedVariable}={Seed}]";

    /// <summary>One operation of the OpenAPI document.</summary>
    public sealed record Operation(HttpMethod Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryParameters, JsonObject? BodySchema, bool HasRequiredQuery)
    {
        public override string ToString() => $"{Method} {Template}";
    }

    public static async Task<(IReadOnlyList<Operation> Operations, JsonObject Document)> OperationsAsync(HttpClient client, CancellationToken ct)
    {
        var document = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json", ct))!.AsObject();
        var operations = new List<Operation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                if (method == "parameters") continue;
                var parameters = op!["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
                var bodySchema = op["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema ? Resolve(document, schema) : null;
                operations.Add(new Operation(
                    new HttpMethod(method.ToUpperInvariant()), template,
                    parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!).ToList(),
                    parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList(),
                    bodySchema,
                    parameters.Any(p => (string?)p["in"] == "query" && (bool?)p["required"] == true)));
            }
        }
        return (operations, document);
    }

    /// <summary>A schema with its <c>$ref</c> followed (one level; nested ones are followed as the body is built).</summary>
    public static JsonObject Resolve(JsonObject document, JsonNode schema)
    {
        var s = schema.AsObject();
        if (s["$ref"] is { } reference)
        {
            var name = ((string)reference!).Split('/')[^1];
            return document["components"]!["schemas"]![name]!.AsObject();
        }
        if (s["allOf"] is JsonArray { Count: 1 } allOf) return Resolve(document, allOf[0]!);
        return s;
    }

    /// <summary>A plausible body for a schema: every property with a value of its type (the values need not be valid).</summary>
    public JsonNode? Sample(JsonObject document, JsonNode schemaNode, int depth = 0)
    {
        var schema = Resolve(document, schemaNode);
        if (depth > 4) return new JsonObject();
        if (schema["enum"] is JsonArray { Count: > 0 } values) return values[Random.Next(values.Count)]!.DeepClone();
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t != "null"),
            { } t => (string?)t,
            null => schema["properties"] is not null ? "object" : null,
        };
        return type switch
        {
            "string" => (string?)schema["format"] == "date-time" ? "2026-03-01T00:00:00Z" : $"fz-{Random.Next(1_000_000)}",
            "integer" => 1,
            "number" => 0.5,
            "boolean" => true,
            "array" => schema["items"] is { } items ? new JsonArray(Sample(document, items, depth + 1)) : new JsonArray(),
            "object" => SampleObject(document, schema, depth),
            _ => $"fz-{Random.Next(1_000_000)}",
        };
    }

    private JsonObject SampleObject(JsonObject document, JsonObject schema, int depth)
    {
        var result = new JsonObject();
        if (schema["properties"] is JsonObject properties)
            foreach (var (name, property) in properties)
                if (!name.EndsWith("_id", StringComparison.Ordinal) || Random.Next(2) == 0) // own ids: sometimes server-chosen
                    result[name] = Sample(document, property!, depth + 1);
        return result;
    }

    /// <summary>The invariant of every answer. Returns the body for further checks.</summary>
    public async Task<string> AssertSaneAsync(HttpResponseMessage response, string request)
    {
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{Replay} {request} answered {status}: {Cut(text)}");
        if (status >= 400)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == HttpAssertions.ProblemJson,
                $"{Replay} {request} answered {status} as {response.Content.Headers.ContentType?.MediaType ?? "no body"}: {Cut(text)}");
            var problem = JsonNode.Parse(text)!.AsObject();
            Assert.True((int?)problem["status"] == status, $"{Replay} {request}: ProblemDetails status {problem["status"]} ≠ {status}");
            Assert.False(NamesInternals(text), $"{Replay} {request} answered {status} naming internals: {Cut(text)}");
        }
        return text;
    }

    public static bool NamesInternals(string text)
        => text.Contains("System.", StringComparison.Ordinal) || text.Contains("Olorin.", StringComparison.Ordinal)
           || text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Npgsql", StringComparison.Ordinal)
           || text.Contains("MongoDB.", StringComparison.Ordinal) || text.Contains("Failed to read parameter", StringComparison.Ordinal);

    private static string Cut(string text) => text.Length <= 600 ? text : text[..600] + "…";

    public static HttpRequestMessage Request(HttpMethod method, string url, byte[]? body = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return request;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Fills a route template's parameters.</summary>
    public static string Fill(string template, Func<string, string> value)
    {
        var url = template;
        foreach (var name in PathParameterNames(template)) url = url.Replace("{" + name + "}", value(name), StringComparison.Ordinal);
        return url;
    }

    public static IEnumerable<string> PathParameterNames(string template)
        => System.Text.RegularExpressions.Regex.Matches(template, @"\{([^}:]+)(:[^}]*)?\}").Select(m => m.Groups[1].Value);

    public static bool IsOk(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
