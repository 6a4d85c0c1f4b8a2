using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

public sealed class DetectionRunsApiTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}";
    private readonly string _otherTenantId = $"other-{Guid.NewGuid():N}";
    private HttpClient Client => field ??= fixture.Factory.CreateClient(_tenant, "alice");
    private HttpClient OtherTenant => field ??= fixture.Factory.CreateClient(_otherTenantId, "bob");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTime Day = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private async Task<string> CreateDetectorAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/detectors", DetectorsApiTests.ValidDetector(type: "cusum"), Ct);
        return (await response.AssertJsonAsync(HttpStatusCode.Created))["detector_id"]!.GetValue<string>();
    }

    private static JsonObject ValidRun(string detectorId, DateTime? startedAt = null, string? runId = null) => new()
    {
        ["run_id"] = runId,
        ["detector_id"] = detectorId,
        ["started_at"] = startedAt,
        ["window"] = new JsonObject { ["from"] = Day, ["to"] = Day.AddHours(6), ["duration_hours"] = 6 },
        ["info"] = new JsonObject { ["records_processed"] = 10 },
    };

    [Fact]
    public async Task Create_records_a_queued_run_with_the_detectors_type()
    {
        var detectorId = await CreateDetectorAsync(Client);

        var response = await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId), Ct);

        var run = await response.AssertJsonAsync(HttpStatusCode.Created);
        var runId = run["run_id"]!.GetValue<string>();
        Assert.Equal($"/detection-runs/{runId}", response.Headers.Location!.OriginalString);
        Assert.Equal("queued", run["metadata"]!["status"]!.GetValue<string>());
        Assert.Equal("cusum", run["metadata"]!["detector_type"]!.GetValue<string>());
        Assert.Equal(detectorId, run["metadata"]!["detector_id"]!.GetValue<string>());
        Assert.False(run["metadata"]!.AsObject().ContainsKey("tenant_id"));
        Assert.Equal(Day, run["window"]!["from"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Null(run["finished_at"]);

        var fetched = await (await Client.GetAsync($"/detection-runs/{runId}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(10, fetched["info"]!["records_processed"]!.GetValue<long>());
    }

    [Fact]
    public async Task Create_for_an_unknown_or_foreign_detector_is_400_naming_detector_id()
    {
        var foreignDetector = await CreateDetectorAsync(OtherTenant);

        foreach (var detectorId in new[] { "no-such-detector", foreignDetector })
        {
            var problem = await (await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("does not exist", problem["errors"]!["detector_id"]![0]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Window_from_not_before_to_is_400()
    {
        var detectorId = await CreateDetectorAsync(Client);
        var body = ValidRun(detectorId);
        body["window"] = new JsonObject { ["from"] = Day, ["to"] = Day };

        var problem = await (await Client.PostAsJsonAsync("/detection-runs", body, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["window.to"]);
    }

    [Fact]
    public async Task Duplicate_run_id_is_409()
    {
        var detectorId = await CreateDetectorAsync(Client);
        var runId = $"run-{Guid.NewGuid():N}";
        (await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId, runId: runId), Ct)).EnsureSuccessStatusCode();

        await (await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId, runId: runId), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Lifecycle_queued_running_success_sets_finish_and_duration_and_refuses_a_second_finish()
    {
        var detectorId = await CreateDetectorAsync(Client);
        var startedAt = DateTime.UtcNow.AddSeconds(-3);
        var created = await (await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId, startedAt), Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var runId = created["run_id"]!.GetValue<string>();

        var running = await (await Client.PatchJsonAsync($"/detection-runs/{runId}/status",
            new { status = "running", info = new { records_processed = 500, cohorts_analyzed = 4 } }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("running", running["metadata"]!["status"]!.GetValue<string>());
        Assert.Equal(500, running["info"]!["records_processed"]!.GetValue<long>());

        var done = await (await Client.PostAsJsonAsync($"/detection-runs/{runId}/complete", new { status = "success" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("success", done["metadata"]!["status"]!.GetValue<string>());
        var started = done["started_at"]!.GetValue<DateTime>().ToUniversalTime();
        var finished = done["finished_at"]!.GetValue<DateTime>().ToUniversalTime();
        Assert.InRange(finished, started.AddSeconds(2), DateTime.UtcNow.AddSeconds(1));
        Assert.Equal((long)(finished - started).TotalMilliseconds, done["duration_ms"]!.GetValue<long>());
        Assert.Equal(500, done["info"]!["records_processed"]!.GetValue<long>()); // progress info kept

        await (await Client.PostAsJsonAsync($"/detection-runs/{runId}/complete", new { status = "failed" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await Client.PatchJsonAsync($"/detection-runs/{runId}/status", new { status = "running" }, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Failed_completion_records_the_error_message()
    {
        var detectorId = await CreateDetectorAsync(Client);
        var runId = (await (await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId), Ct)).AssertJsonAsync(HttpStatusCode.Created))["run_id"]!.GetValue<string>();
        (await Client.PatchJsonAsync($"/detection-runs/{runId}/status", new { status = "running" }, Ct)).EnsureSuccessStatusCode();

        var failed = await (await Client.PostAsJsonAsync($"/detection-runs/{runId}/complete",
            new { status = "failed", error_message = "source timed out" }, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("failed", failed["metadata"]!["status"]!.GetValue<string>());
        Assert.Equal("source timed out", failed["info"]!["error_message"]!.GetValue<string>());
        Assert.True(failed["duration_ms"]!.GetValue<long>() >= 0);
    }

    [Theory]
    [InlineData("/status", "{\"status\": \"success\"}")]
    [InlineData("/status", "{\"status\": \"running\", \"info\": {\"records_processed\": -1}}")]
    [InlineData("/complete", "{\"status\": \"running\"}")]
    [InlineData("/complete", "{}")]
    public async Task Invalid_status_changes_are_400(string action, string json)
    {
        var detectorId = await CreateDetectorAsync(Client);
        var runId = (await (await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId), Ct)).AssertJsonAsync(HttpStatusCode.Created))["run_id"]!.GetValue<string>();

        var content = HttpAssertions.RawJson(json);
        var response = action == "/status"
            ? await Client.PatchAsync($"/detection-runs/{runId}{action}", content, Ct)
            : await Client.PostAsync($"/detection-runs/{runId}{action}", content, Ct);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Another_tenants_run_is_404_everywhere()
    {
        var detectorId = await CreateDetectorAsync(Client);
        var runId = (await (await Client.PostAsJsonAsync("/detection-runs", ValidRun(detectorId), Ct)).AssertJsonAsync(HttpStatusCode.Created))["run_id"]!.GetValue<string>();

        await (await OtherTenant.GetAsync($"/detection-runs/{runId}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await OtherTenant.PatchJsonAsync($"/detection-runs/{runId}/status", new { status = "running" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await OtherTenant.PostAsJsonAsync($"/detection-runs/{runId}/complete", new { status = "success" }, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var list = await (await OtherTenant.GetAsync("/detection-runs", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, list["totalCount"]!.GetValue<long>());

        var mine = await (await Client.GetAsync($"/detection-runs/{runId}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("queued", mine["metadata"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_filters_by_detector_status_and_started_at_range_newest_first()
    {
        var first = await CreateDetectorAsync(Client);
        var second = await CreateDetectorAsync(Client);
        for (var hour = 0; hour < 4; hour++)
            (await Client.PostAsJsonAsync("/detection-runs", ValidRun(first, Day.AddHours(hour)), Ct)).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync("/detection-runs", ValidRun(second, Day.AddHours(1)), Ct)).EnsureSuccessStatusCode();

        var ranged = await (await Client.GetAsync(
            $"/detection-runs?detector_id={first}&from=2026-03-01T01:00:00Z&to=2026-03-01T03:00:00Z", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var starts = ranged["detection_runs"]!.AsArray().Select(r => r!["started_at"]!.GetValue<DateTime>().ToUniversalTime()).ToList();
        Assert.Equal(new[] { Day.AddHours(2), Day.AddHours(1) }, starts);
        Assert.Equal(2, ranged["totalCount"]!.GetValue<long>());

        var queued = await (await Client.GetAsync("/detection-runs?status=queued&page_size=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(5, queued["totalCount"]!.GetValue<long>());
        Assert.True(queued["hasNextPage"]!.GetValue<bool>());
        var none = await (await Client.GetAsync("/detection-runs?status=success", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, none["totalCount"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("/detection-runs?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to")]
    [InlineData("/detection-runs?from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z", "to")]
    [InlineData("/detection-runs?from=yesterday", "from")]
    [InlineData("/detection-runs?status=done", "status")]
    [InlineData("/detection-runs/stats?from=2026-03-02&to=2026-03-01", "to")]
    public async Task Invalid_queries_are_400(string url, string field)
    {
        var problem = await (await Client.GetAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Stats_count_per_status_and_give_nearest_rank_duration_percentiles()
    {
        var detectorId = await CreateDetectorAsync(Client);
        var runs = new List<DetectionRun>();
        for (var i = 1; i <= 10; i++) runs.Add(Run(_tenant, detectorId, Day.AddMinutes(i), DetectionRunStatus.Success, durationMs: i * 100));
        runs.Add(Run(_tenant, detectorId, Day.AddMinutes(20), DetectionRunStatus.Failed, durationMs: 5_000));
        runs.Add(Run(_tenant, detectorId, Day.AddMinutes(21), DetectionRunStatus.Running));
        runs.Add(Run(_tenant, detectorId, Day.AddMinutes(22), DetectionRunStatus.Queued));
        runs.Add(Run(_tenant, "another-detector", Day.AddMinutes(23), DetectionRunStatus.Success, durationMs: 1));
        runs.Add(Run(_tenant, detectorId, Day.AddDays(-1), DetectionRunStatus.Success, durationMs: 99_999)); // before the range
        runs.Add(Run(_otherTenantId, detectorId, Day.AddMinutes(5), DetectionRunStatus.Success, durationMs: 77_777)); // another tenant
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IDetectionRunRepository>().BulkUpsertAsync(runs, Ct);

        var stats = await (await Client.GetAsync($"/detection-runs/stats?detector_id={detectorId}&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z", Ct))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(13, stats["total"]!.GetValue<long>());
        var byStatus = stats["count_by_status"]!;
        Assert.Equal(10, byStatus["success"]!.GetValue<long>());
        Assert.Equal(1, byStatus["failed"]!.GetValue<long>());
        Assert.Equal(1, byStatus["running"]!.GetValue<long>());
        Assert.Equal(1, byStatus["queued"]!.GetValue<long>());
        // Durations 100, 200, …, 1000, 5000 (11 values): nearest rank p50 = 6th, p95 = p99 = 11th.
        Assert.Equal(600, stats["duration_p50_ms"]!.GetValue<long>());
        Assert.Equal(5_000, stats["duration_p95_ms"]!.GetValue<long>());
        Assert.Equal(5_000, stats["duration_p99_ms"]!.GetValue<long>());
        Assert.Equal((5_500 + 5_000) / 11.0, stats["duration_avg_ms"]!.GetValue<double>(), 6);

        var empty = await (await OtherTenant.GetAsync("/detection-runs/stats?detector_id=none", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, empty["total"]!.GetValue<long>());
        Assert.Equal(0, empty["count_by_status"]!["success"]!.GetValue<long>());
        Assert.Null(empty["duration_p50_ms"]);
    }

    private static DetectionRun Run(string tenant, string detectorId, DateTime startedAt, DetectionRunStatus status, long? durationMs = null) => new()
    {
        RunId = $"run-{Guid.NewGuid():N}",
        Metadata = new DetectionRunMetadata { DetectorId = detectorId, DetectorType = "cusum", TenantId = tenant, Status = status },
        StartedAt = startedAt,
        FinishedAt = durationMs is { } ms ? startedAt.AddMilliseconds(ms) : null,
        DurationMs = durationMs,
        Window = new DetectionWindow { From = Day.AddDays(-1), To = Day },
    };
}
