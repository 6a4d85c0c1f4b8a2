using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Observability;

/// <summary>LOG_FILE: compact JSON, one event a line, with the trace id of the request that logged it.</summary>
public sealed class LogFileTests(LogFileTests.Fixture fixture) : IClassFixture<LogFileTests.Fixture>
{
    public sealed class Fixture : PostgresApiFixture
    {
        public string LogFile { get; } = Path.Combine(Path.GetTempPath(), "olorin-server-tests", Guid.NewGuid().ToString("N"), "logs", "backend.log");

        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["LOG_FILE"] = LogFile;
            settings["Serilog:MinimumLevel:Default"] = "Information"; // the request completion events
        }
    }

    [Fact]
    public async Task The_log_file_is_written_where_configured_with_the_trace_id_of_a_request()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var request = new HttpRequestMessage(HttpMethod.Get, "/investigations/not-there");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await fixture.Factory.CreateClient("log-tenant", "u1").SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var events = await EventuallyAsync(() => ReadEvents(fixture.LogFile).Where(e => e["@tr"]?.GetValue<string>() == traceId).ToList());
        var completion = Assert.Single(events, e => e["@mt"]!.GetValue<string>().StartsWith("HTTP {RequestMethod} {RequestPath} responded", StringComparison.Ordinal));
        Assert.Equal("/investigations/not-there", completion["RequestPath"]!.GetValue<string>());
        Assert.Equal(404, completion["StatusCode"]!.GetValue<int>());
        Assert.NotNull(completion["@sp"]);
        Assert.NotNull(completion["@t"]);
    }

    [Fact]
    public void Start_up_lines_are_in_the_file_too()
        => Assert.Contains(ReadEvents(fixture.LogFile), e => e["@mt"]!.GetValue<string>().StartsWith("Persistence backend", StringComparison.Ordinal));

    private static List<JsonObject> ReadEvents(string path)
    {
        // The sink keeps the file open (shared): read it the same way.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    private static async Task<List<JsonObject>> EventuallyAsync(Func<List<JsonObject>> read)
    {
        for (var attempt = 0; ; attempt++)
        {
            var events = read();
            if (events.Count > 0 || attempt == 50) return events;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
