extern alias bench;
using System.Text.Json.Nodes;
using HdrHistogram;
using FixedRateRun = bench::FixedRateRun;
using WriteRequests = bench::WriteRequests;

namespace Olorin.BenchTool.Tests;

/// <summary>
/// bench/BenchTool fixed-rate (bench/phases.sh's open-loop load) against a fake peer: it sends the bodies the wrk
/// scripts send, on seeded ids no other run touches, counts what failed, keeps sending while answers are held, and
/// times a request from when it was due. No assertion is about speed: every bound below follows from the schedule.
/// </summary>
public sealed class FixedRateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Patches_walk_their_own_id_range_once_each_at_version_1()
    {
        await using var peer = await FakePeer.StartAsync(_ => Task.FromResult(200));
        var run = new FixedRateRun(peer.Uri, "tenant-a", new WriteRequests("patch", "fix-", 40), 64, Timeout);

        var result = await run.RunAsync(rate: 200, warmupSeconds: 0.1, seconds: 0.5);

        Assert.Equal(20 + 100, result.Sent);
        Assert.Equal(100, result.Measured);
        Assert.Equal(100, result.Latency.TotalCount);
        Assert.Equal((0, 0), (result.Non2xx, result.SocketErrors));
        var seen = peer.Requests.ToList();
        Assert.Equal(Enumerable.Range(40, 120).Select(i => $"/investigations/fix-{i:D7}"), seen.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.All(seen, r =>
        {
            Assert.Equal("PATCH", r.Method);
            Assert.Equal("tenant-a", r.Tenant);
            Assert.Equal("application/json", r.ContentType);
            Assert.Equal("""{"version":1,"status":"IN_PROGRESS"}""", r.Body); // bench/lua/patch.lua's body
        });
    }

    [Fact]
    public async Task Posts_create_a_fresh_investigation_each_with_the_wrk_scripts_body()
    {
        await using var peer = await FakePeer.StartAsync(_ => Task.FromResult(201));
        var run = new FixedRateRun(peer.Uri, "tenant-a", new WriteRequests("post", "post-run-", 0), 64, Timeout);

        var result = await run.RunAsync(rate: 200, warmupSeconds: 0, seconds: 0.25);

        Assert.Equal((50, 0, 0), (result.Measured, result.Non2xx, result.SocketErrors));
        var bodies = peer.Requests.Select(r => Assert.IsType<JsonObject>(JsonNode.Parse(r.Body))).ToList();
        Assert.All(peer.Requests, r => Assert.Equal(("POST", "/investigations"), (r.Method, r.Path)));
        Assert.Equal(50, bodies.Select(b => (string?)b["investigation_id"]).Distinct().Count());
        Assert.All(bodies, b =>
        {
            Assert.StartsWith("post-run-", (string?)b["investigation_id"]);
            Assert.Equal("CREATED", (string?)b["status"]);
            Assert.Equal("email", (string?)b["settings"]?["entities"]?[0]?["entity_type"]); // bench/lua/post.lua's shape
        });
    }

    [Fact]
    public async Task A_refused_write_is_counted_as_non_2xx()
    {
        // Every odd id is refused as a stale version would be.
        await using var peer = await FakePeer.StartAsync(r => Task.FromResult(int.Parse(r.Path[^7..]) % 2 == 1 ? 409 : 200));
        var run = new FixedRateRun(peer.Uri, "tenant-a", new WriteRequests("patch", "fix-", 0), 64, Timeout);

        var result = await run.RunAsync(rate: 200, warmupSeconds: 0, seconds: 0.5);

        Assert.Equal((100, 50, 0), (result.Measured, result.Non2xx, result.SocketErrors));
        Assert.Equal(100, result.Latency.TotalCount);
        Assert.StartsWith("409", result.FirstFailure);
    }

    [Fact]
    public async Task The_schedule_keeps_sending_while_every_answer_is_held()
    {
        // No answer until 20 requests have arrived: a generator that waited for an answer before sending the next
        // request would never get there, and every request would time out.
        var twenty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        await using var peer = await FakePeer.StartAsync(async _ =>
        {
            if (Interlocked.Increment(ref arrived) == 20) twenty.SetResult();
            await twenty.Task;
            return 200;
        });
        var run = new FixedRateRun(peer.Uri, "tenant-a", new WriteRequests("patch", "fix-", 0), 64, TimeSpan.FromSeconds(5));

        var result = await run.RunAsync(rate: 100, warmupSeconds: 0, seconds: 0.3);

        Assert.Equal((30, 0, 0), (result.Measured, result.Non2xx, result.SocketErrors));
        Assert.True(peer.MaxHeld >= 20, $"the peer held at most {peer.MaxHeld} requests at once");
        Assert.True(result.PeakInFlight >= 20, $"at most {result.PeakInFlight} requests were in flight");
    }

    [Fact]
    public async Task A_request_queued_behind_a_stalled_one_is_timed_from_when_it_was_due()
    {
        // One connection and the first answer held 300 ms: request k (due at 10k ms) cannot be answered before 300 ms,
        // so its latency from its due time is at least 300 - 10k ms — at least 100 ms for k = 0..20. A generator that
        // timed a request from when it reached the connection would record those as a few milliseconds.
        await using var peer = await FirstAnswerHeld300MsAsync();
        var run = new FixedRateRun(peer.Uri, "tenant-a", new WriteRequests("patch", "fix-", 0), 1, Timeout);

        var result = await run.RunAsync(rate: 100, warmupSeconds: 0, seconds: 0.5);

        Assert.Equal((50, 0, 0), (result.Measured, result.Non2xx, result.SocketErrors));
        Assert.True(result.Latency.GetMaxValue() >= 300_000, $"max {result.Latency.GetMaxValue()} µs");
        var atLeast100Ms = result.Latency.RecordedValues().Where(v => v.ValueIteratedTo >= 100_000).Sum(v => v.CountAtValueIteratedTo);
        Assert.True(atLeast100Ms >= 21, $"{atLeast100Ms} of 50 requests took 100 ms or more from their due time");
    }

    [Fact]
    public async Task The_timeline_puts_a_stall_in_the_slots_its_requests_were_due_in()
    {
        // As above: one connection, the first answer held 300 ms, 100 requests/s. Slot k (100 ms of due times) holds
        // requests k*10 … k*10+9; the earliest of slot k cannot be answered before 300 ms, so its slowest is at least
        // 300 - 100k ms. bench/phases.sh lines these slots up with its CPU and PostgreSQL samples by their wall clock.
        await using var peer = await FirstAnswerHeld300MsAsync();
        var run = new FixedRateRun(peer.Uri, "tenant-a", new WriteRequests("patch", "fix-", 0), 1, Timeout);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        await run.RunAsync(rate: 100, warmupSeconds: 0, seconds: 0.5);

        var slots = run.Timeline.Lines().Select(line => line.Split(' ').Select(double.Parse).ToArray()).ToList();
        Assert.Equal([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], slots.Select(s => s[1]));
        Assert.Equal([10.0, 10, 10, 10, 10, 0], slots.Select(s => s[3]));
        Assert.True(slots[0][2] >= 300, $"slot 0's slowest {slots[0][2]} ms");
        Assert.True(slots[1][2] >= 200, $"slot 1's slowest {slots[1][2]} ms");
        Assert.True(slots[2][2] >= 100, $"slot 2's slowest {slots[2][2]} ms");
        Assert.Equal(slots[0][2], slots.Max(s => s[2]));
        Assert.InRange(slots[0][0], before - 1, before + 2); // wall-clock seconds of the window's start
        Assert.All(slots.Skip(1), (s, i) => Assert.Equal(slots[0][0] + (i + 1) / 10.0, s[0], 0.051));
    }

    private static Task<FakePeer> FirstAnswerHeld300MsAsync() => FakePeer.StartAsync(async r =>
    {
        if (r.Path.EndsWith("fix-0000000", StringComparison.Ordinal)) await Task.Delay(300);
        return 200;
    });
}
