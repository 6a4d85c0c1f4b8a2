using System.Net.Http.Headers;
using System.Text;

/// <summary>
/// The two writes of bench/phases.sh, with the bodies of bench/lua/post.lua and bench/lua/patch.lua:
/// POST /investigations with a fresh id per request, and PATCH /investigations/{id} at version 1 on seeded ids,
/// request n patching <c>{idPrefix}{firstId + n}</c> (7 digits) — a range the caller allocated to this run alone, so no
/// PATCH is refused for a stale version.
/// </summary>
internal sealed class WriteRequests(string operation, string idPrefix, long firstId)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] PatchBody = Encoding.UTF8.GetBytes("""{"version":1,"status":"IN_PROGRESS"}""");

    public string Operation { get; } = operation is "post" or "patch" ? operation : throw new ArgumentException($"operation {operation}: post or patch");

    public HttpRequestMessage Create(long n) => Operation == "post" ? Post(n) : Patch(n);

    private HttpRequestMessage Post(long n)
    {
        var body = $$"""{"investigation_id":"{{idPrefix}}{{n}}","settings":{"name":"bench {{n}}","entities":[{"entity_type":"email","entity_value":"u-{{n}}@example.com"}]},"status":"CREATED"}""";
        return new HttpRequestMessage(HttpMethod.Post, "investigations") { Content = Content(Encoding.UTF8.GetBytes(body)) };
    }

    private HttpRequestMessage Patch(long n)
        => new(HttpMethod.Patch, $"investigations/{idPrefix}{firstId + n:D7}") { Content = Content(PatchBody) };

    private static ByteArrayContent Content(byte[] body) => new(body) { Headers = { ContentType = Json } };
}
