using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>A server whose event streams check for changes every 100 ms, beat every second and end after 4 s.</summary>
public sealed class FastEventsFixture : PostgresApiFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["SSE_POLL_INTERVAL_MILLISECONDS"] = "100";
        settings["SSE_HEARTBEAT_INTERVAL_SECONDS"] = "1";
        settings["SSE_MAX_DURATION_SECONDS"] = "4";
    }
}

/// <summary>Issue #10, item 6: GET …/{id}/events, a Server-Sent Events stream of the stored changes.</summary>
public sealed class InvestigationEventsApiTests(FastEventsFixture fixture) : IClassFixture<FastEventsFixture>
{
    private readonly string _tenant = $"t1-{Guid.NewGuid():N}";
    private const string User = "u1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client() => fixture.Factory.CreateClient(_tenant, User);

    private async Task<string> CreateAsync(HttpClient client)
    {
        var id = "inv-" + Guid.NewGuid().ToString("N");
        await (await client.PostAsJsonAsync("/investigations", new { investigation_id = id }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        return id;
    }

    private async Task PatchAsync(HttpClient client, string id, int version, string phase)
        => await (await client.PatchJsonAsync($"/investigations/{id}", new { version, progress = new { current_phase = phase } }, Ct)).AssertJsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task A_stream_receives_an_update_made_by_another_request()
    {
        var client = Client();
        var id = await CreateAsync(client);
        await using var stream = await SseStream.OpenAsync(Client(), $"/api/v1/investigation-state/{id}/events", lastEventId: null, Ct);
        Assert.Equal("text/event-stream", stream.ContentType);
        var connected = await stream.NextAsync(Ct);
        Assert.Equal("connected", connected.Type);
        Assert.Equal(1, connected.Data["version"]!.GetValue<int>());

        await PatchAsync(client, id, 1, "device");

        var update = await stream.NextChangeAsync(Ct);
        Assert.Equal("update", update.Type);
        Assert.Equal(2, update.Data["version"]!.GetValue<int>());
        Assert.Equal("device", update.Data["after"]!["progress"]!["current_phase"]!.GetValue<string>());
        Assert.Equal(["progress"], update.Data["fields_modified"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.NotNull(update.Data["updated_at"]);
        Assert.False(string.IsNullOrEmpty(update.Id));
    }

    [Fact]
    public async Task A_client_resuming_with_Last_Event_ID_misses_and_repeats_nothing()
    {
        var client = Client();
        var id = await CreateAsync(client);
        string lastId;
        var seen = new List<int>();
        await using (var first = await SseStream.OpenAsync(Client(), $"/investigations/{id}/events", lastEventId: null, Ct))
        {
            lastId = (await first.NextAsync(Ct)).Id!;
            await PatchAsync(client, id, 1, "a");
            var change = await first.NextChangeAsync(Ct);
            seen.Add(change.Data["version"]!.GetValue<int>());
            lastId = change.Id!;
        }

        // Changes made while the client is away …
        await PatchAsync(client, id, 2, "b");
        await PatchAsync(client, id, 3, "c");

        await using var resumed = await SseStream.OpenAsync(Client(), $"/investigations/{id}/events", lastId, Ct);
        Assert.Equal(lastId, (await resumed.NextAsync(Ct)).Id);
        seen.Add((await resumed.NextChangeAsync(Ct)).Data["version"]!.GetValue<int>());
        seen.Add((await resumed.NextChangeAsync(Ct)).Data["version"]!.GetValue<int>());
        // … and one made after it is back.
        await PatchAsync(client, id, 4, "d");
        seen.Add((await resumed.NextChangeAsync(Ct)).Data["version"]!.GetValue<int>());

        Assert.Equal([2, 3, 4, 5], seen);
    }

    [Fact]
    public async Task The_stream_beats_and_closes_after_its_maximum_duration()
    {
        var id = await CreateAsync(Client());
        await using var stream = await SseStream.OpenAsync(Client(), $"/investigations/{id}/events", lastEventId: null, Ct);
        var types = new List<string>();
        while (await stream.TryNextAsync(Ct) is { } item) types.Add(item.Type);

        Assert.Equal("connected", types[0]);
        Assert.Contains("heartbeat", types);
        Assert.Equal("close", types[^1]);
    }

    [Fact]
    public async Task A_delete_is_an_event_too()
    {
        var client = Client();
        var id = await CreateAsync(client);
        await using var stream = await SseStream.OpenAsync(Client(), $"/investigations/{id}/events", lastEventId: null, Ct);
        await stream.NextAsync(Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/investigations/{id}", Ct)).StatusCode);

        var deleted = await stream.NextChangeAsync(Ct);
        Assert.Equal("delete", deleted.Type);
        Assert.Equal(1, deleted.Data["from_version"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("12-")]
    [InlineData("-abc")]
    [InlineData("99999999999999999999999-x")]
    public async Task A_Last_Event_ID_this_server_did_not_send_is_a_400(string lastEventId)
    {
        var id = await CreateAsync(Client());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/investigations/{id}/events");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        await (await Client().SendAsync(request, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}

/// <summary>A minimal Server-Sent Events reader (text/event-stream, as a browser's EventSource reads it).</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public static async Task<SseStream> OpenAsync(HttpClient client, string url, string? lastEventId, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(ct)));
    }

    public sealed record Item(string Type, string? Id, JsonObject Data);

    /// <summary>The next event, failing the test when the stream ends.</summary>
    public async Task<Item> NextAsync(CancellationToken ct)
        => await TryNextAsync(ct) ?? throw new Xunit.Sdk.XunitException("The event stream ended.");

    /// <summary>The next change event, skipping heartbeats.</summary>
    public async Task<Item> NextChangeAsync(CancellationToken ct)
    {
        while (true)
        {
            var item = await NextAsync(ct);
            if (item.Type is not ("heartbeat" or "connected")) return item;
        }
    }

    public async Task<Item?> TryNextAsync(CancellationToken ct)
    {
        // A hang guard only: the fixture's server writes a line at least every second (heartbeats), so silence this long
        // is a stalled stream, not a loaded machine (the former 5 s was within reach of GC and thread-pool stalls on
        // two cores at load 20-40).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        string type = "message", data = "";
        string? id = null;
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length == 0) continue;
                return new Item(type, id, JsonNode.Parse(data)!.AsObject());
            }
            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "event": type = value; break;
                case "id": id = value; break;
                case "data": data += value; break;
            }
        }
        return null;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
