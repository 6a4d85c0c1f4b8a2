using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Fuzz;

/// <summary>
/// The state machines under concurrent requests, through HTTP: exactly one of N conflicting transitions wins, the
/// losers get a 409 ProblemDetails, and nothing acknowledged is ever undone (no lost update). Also: concurrent bulk
/// score inserts over the same keys in opposite orders never deadlock into a 500.
/// </summary>
public sealed class ConcurrencyInvariantTests(PostgresApiFixture fixture) : IClassFixture<PostgresApiFixture>
{
    private const int Trials = 10;
    private const int Racers = 20;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(string tenant) => fixture.Factory.CreateClient(tenant, "alice");

    [Fact]
    public async Task Of_20_concurrent_run_completions_exactly_one_wins_in_each_of_10_trials_and_the_run_never_goes_back()
    {
        var harness = new FuzzHarness();
        var client = Client($"race-{Guid.NewGuid():N}");
        var detector = await CreatedIdAsync(client, "/detectors", new { name = "d", type = "cusum", metrics = new { primary = "m" } }, "detector_id");
        var winners = new List<int>();
        for (var trial = 0; trial < Trials; trial++)
        {
            var run = await CreatedIdAsync(client, "/detection-runs", new { detector_id = detector, window = new { from = "2026-01-01T00:00:00Z", to = "2026-01-02T00:00:00Z" } }, "run_id");
            // Completions (success and failed) race status updates back to running.
            var responses = await RaceAsync(Racers + 5, i => i < Racers
                ? client.PostAsJsonAsync($"/detection-runs/{run}/complete", new { status = i % 2 == 0 ? "success" : "failed" }, Ct)
                : client.PatchJsonAsync($"/detection-runs/{run}/status", new { status = "running" }, Ct));
            foreach (var (response, i) in responses.Select((r, i) => (r, i))) await harness.AssertSaneAsync(response, $"trial {trial} racer {i}");

            var completions = responses.Take(Racers).ToList();
            winners.Add(completions.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.All(completions.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
            var winner = await completions.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonObject>(Ct);
            var stored = await (await client.GetAsync($"/detection-runs/{run}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal((string?)winner!["status"], (string?)stored["status"]);
            Assert.NotNull(stored["finished_at"]);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"winners per trial: {string.Join(", ", winners)}");
        Assert.All(winners, w => Assert.Equal(1, w));
    }

    [Fact]
    public async Task A_closed_anomaly_is_never_reopened_by_a_concurrent_triage()
    {
        var harness = new FuzzHarness();
        var client = Client($"race-{Guid.NewGuid():N}");
        for (var trial = 0; trial < Trials; trial++)
        {
            var anomaly = await CreatedIdAsync(client, "/anomalies", Api.AnomaliesApiTests.ValidAnomaly(), "anomaly_id");
            var responses = await RaceAsync(Racers, i => client.PatchJsonAsync($"/anomalies/{anomaly}", new { status = i % 2 == 0 ? "closed" : "triaged" }, Ct));
            foreach (var response in responses) await harness.AssertSaneAsync(response, $"anomaly trial {trial}");
            var stored = await (await client.GetAsync($"/anomalies/{anomaly}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal("closed", (string?)stored["status"]);
        }
    }

    [Fact]
    public async Task Of_20_concurrent_SOAR_finishes_exactly_one_wins()
    {
        var harness = new FuzzHarness();
        var client = Client($"race-{Guid.NewGuid():N}");
        for (var trial = 0; trial < 3; trial++)
        {
            var execution = await CreatedIdAsync(client, "/soar/executions", new { playbook_id = "p" }, "execution_id");
            var responses = await RaceAsync(Racers, i => i % 2 == 0
                ? client.PostAsJsonAsync($"/soar/executions/{execution}/complete", new { }, Ct)
                : client.PostAsJsonAsync($"/soar/executions/{execution}/fail", new { error_message = "boom" }, Ct));
            foreach (var response in responses) await harness.AssertSaneAsync(response, $"soar trial {trial}");
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(Racers - 1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        }
    }

    [Fact]
    public async Task Of_20_concurrent_investigation_updates_of_one_version_exactly_one_wins()
    {
        var harness = new FuzzHarness();
        var client = Client($"race-{Guid.NewGuid():N}");
        var id = await CreatedIdAsync(client, "/investigations", new { }, "investigation_id");
        var responses = await RaceAsync(Racers, i => client.PatchJsonAsync($"/investigations/{id}", new { version = 1, metadata = new { tags = new[] { $"t{i}" } } }, Ct));
        foreach (var response in responses) await harness.AssertSaneAsync(response, "investigation race");
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var stored = await (await client.GetAsync($"/investigations/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int?)stored["version"]);
    }

    [Fact]
    public async Task Concurrent_bulk_inserts_of_the_same_scores_in_opposite_orders_do_not_deadlock()
    {
        var harness = new FuzzHarness();
        var client = Client($"race-{Guid.NewGuid():N}");
        var id = await CreatedIdAsync(client, "/investigations", new { }, "investigation_id");
        var scores = Enumerable.Range(0, 10_000).Select(i => new { transaction_id = $"tx-{i:D5}", risk_score = 0.5 }).ToArray();
        for (var trial = 0; trial < 2; trial++)
        {
            var responses = await RaceAsync(2, i => client.PostAsJsonAsync($"/investigations/{id}/transaction-scores",
                new { scores = i == 0 ? scores : scores.Reverse().ToArray() }, Ct));
            foreach (var response in responses) await harness.AssertSaneAsync(response, $"bulk insert trial {trial}");
        }
        var page = await (await client.GetAsync($"/investigations/{id}/transaction-scores?page_size=1", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(10_000, (long?)page["totalCount"]);
    }

    private static async Task<string> CreatedIdAsync(HttpClient client, string url, object body, string idField)
        => (string)(await (await client.PostAsJsonAsync(url, body, Ct)).AssertJsonAsync(HttpStatusCode.Created))[idField]!;

    /// <summary>Starts all requests together (released by one gate) and waits for every answer.</summary>
    private static async Task<List<HttpResponseMessage>> RaceAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(async i => { await gate.Task; return await send(i); }).ToList();
        gate.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }
}
