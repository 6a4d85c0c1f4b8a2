using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Migration;

/// <summary>
/// The issue's end-to-end phase test, over two real PostgreSQL databases (A plays PostgreSQL, B plays MongoDB through
/// <c>SECONDARY_DATABASE_URL</c>, reached through a TCP proxy the test can cut): under a concurrent load of creates,
/// updates and deletes of investigations, detectors and templates (in-process servers, one per phase),
/// <c>postgres</c> → <c>dual</c> (with <c>migrate</c> backfilling A into B while writes continue, and the secondary cut
/// off for a while: the API keeps answering, the outbox grows, <c>safe_to_advance</c> is false, and it drains without a
/// restart once B is back) → <c>mongo_primary</c> → <c>postgres</c>, each step taken only when
/// <c>/status/migration</c> says <c>safe_to_advance</c> (after <c>verify-migration</c>). At the end the two stores are
/// identical and every write that got a 2xx is there with its last acknowledged content; every 2xx delete is absent.
/// </summary>
[Collection(PhasedMigrationEndToEndTests.Alone)]
public sealed class PhasedMigrationEndToEndTests
{
    /// <summary>
    /// Run alone, after the parallel tests: it starts four servers and four CLI processes, and on a machine shared with
    /// the rest of the suite its phases would stretch for minutes.
    /// </summary>
    public const string Alone = "phased migration end to end (alone)";

    private static readonly TimeSpan CliBudget = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Requests per timed load phase at least (all workers together): a loaded machine stretches the phase instead of thinning it.</summary>
    private const int MinimumSteps = 80;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Postgres_dual_mongo_primary_and_back_loses_no_acknowledged_write_and_ends_identical()
    {
        await using var a = await PostgresTestDatabase.CreateAsync();
        await using var b = await PostgresTestDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Server);
        await using var proxy = new TcpProxy(server.Host!, server.Port);
        proxy.Start();
        var bThroughProxy = new NpgsqlConnectionStringBuilder(b.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        var model = new AcknowledgedWrites();
        var tenant = $"tenant-{Guid.NewGuid():N}";

        // postgres: A alone.
        await using (var host = Start(a.ConnectionString, "postgres", null))
            await RunLoadAsync(host, tenant, model, TimeSpan.FromSeconds(2), MinimumSteps, Ct);

        // dual: capture on first, then backfill with migrate while writes continue; then B is cut off for a while.
        await using (var host = Start(a.ConnectionString, "dual", bThroughProxy))
        {
            using var load = new CancellationTokenSource();
            var writes = RunLoadAsync(host, tenant, model, Timeout.InfiniteTimeSpan, 0, load.Token);
            var migrate = await Cli("migrate", "--from", Url(a.ConnectionString), "--to", Url(b.ConnectionString), "--json");
            Assert.True(migrate.ExitCode == 0, migrate.ToString());

            proxy.Stop();
            var outage = await WaitForStatusAsync(host, s => s["outbox"]!["depth"]!.GetValue<long>() > 0
                && s["reasons"]!.AsArray().Any(r => r!.GetValue<string>().Contains("secondary unreachable")));
            Assert.False(outage["safe_to_advance"]!.GetValue<bool>());
            var acknowledgedBefore = model.Acknowledged;
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
            Assert.True(model.Acknowledged > acknowledgedBefore, "the API keeps answering while the secondary is unreachable");
            proxy.Start();

            await load.CancelAsync();
            await writes;
            await WaitForStatusAsync(host, s => s["outbox"]!["depth"]!.GetValue<long>() == 0);
            await model.ReadSomeAsync(host.CreateClient(tenant, "alice"));
            await AdvanceWhenSafeAsync(host, from: a.ConnectionString, to: b.ConnectionString, noMismatchAtAll: false);
        }

        // mongo_primary: B decides, A receives the write-back.
        await using (var host = Start(a.ConnectionString, "mongo_primary", bThroughProxy))
        {
            await RunLoadAsync(host, tenant, model, TimeSpan.FromSeconds(2.5), MinimumSteps, Ct);
            await WaitForStatusAsync(host, s => s["outbox"]!["depth"]!.GetValue<long>() == 0);
            await model.ReadSomeAsync(host.CreateClient(tenant, "alice"));
            await AdvanceWhenSafeAsync(host, from: b.ConnectionString, to: a.ConnectionString, noMismatchAtAll: true);
        }

        // Back to postgres: the stores are identical and nothing acknowledged is lost.
        await using (var host = Start(a.ConnectionString, "postgres", bThroughProxy))
        {
            var verify = await Cli("verify-migration", "--from", Url(a.ConnectionString), "--to", Url(b.ConnectionString), "--json");
            Assert.True(verify.ExitCode == 0, verify.ToString());
            await model.AssertAllPresentAsync(host.CreateClient(tenant, "alice"));
        }
        Assert.True(model.Acknowledged > 50, $"only {model.Acknowledged} writes were acknowledged");
        Assert.Equal(0, model.Uncertain);
    }

    private static OlorinApiFactory Start(string primary, string phase, string? secondary)
    {
        var settings = OlorinApiFactory.SettingsFor(primary);
        settings["MIGRATION_PHASE"] = phase;
        settings["SECONDARY_DATABASE_URL"] = secondary;
        settings["SHADOW_READ_SAMPLE_RATE"] = "0.5";
        settings["OUTBOX_RELAY_POLL_MS"] = "50";
        settings["OUTBOX_RELAY_MAX_BACKOFF_MS"] = "500";
        var factory = new OlorinApiFactory(settings);
        _ = factory.Server;
        return factory;
    }

    /// <summary>
    /// verify-migration, then the gate: advance only when <c>safe_to_advance</c> is true (no unresolved shadow-read
    /// mismatch among them). In <c>dual</c> a by-id read of a document the backfill has not copied yet is a mismatch
    /// until the clean verification resolves it; from <c>mongo_primary</c> on, the stores start equal, so
    /// <paramref name="noMismatchAtAll"/> asks that no shadow read ever differed.
    /// </summary>
    private static async Task AdvanceWhenSafeAsync(OlorinApiFactory host, string from, string to, bool noMismatchAtAll)
    {
        var verify = await Cli("verify-migration", "--from", Url(from), "--to", Url(to), "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var status = await WaitForStatusAsync(host, s => s["safe_to_advance"]!.GetValue<bool>()
            && s["shadow_reads"]!["compared"]!.GetValue<long>() + s["shadow_reads"]!["skipped_pending"]!.GetValue<long>() > 0);
        Assert.Equal(0, status["shadow_reads"]!["unresolved"]!.GetValue<int>());
        if (noMismatchAtAll) Assert.True(status["shadow_reads"]!["mismatched"]!.GetValue<long>() == 0, status.ToJsonString());
        Assert.True(status["shadow_reads"]!["compared"]!.GetValue<long>() + status["shadow_reads"]!["skipped_pending"]!.GetValue<long>() > 0, status.ToJsonString());
    }

    private static async Task<JsonObject> WaitForStatusAsync(OlorinApiFactory host, Func<JsonObject, bool> condition)
    {
        var client = host.CreateClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await (await client.GetAsync("/status/migration", Ct)).AssertJsonAsync(HttpStatusCode.OK);
            if (condition(status)) return status;
            if (clock.Elapsed > Patience) Assert.Fail($"/status/migration did not get there within {Patience}: {status.ToJsonString()}");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>
    /// Four writers, each on keys of its own (so the last acknowledged content of a key is well defined), and by-id
    /// reads: for at least <paramref name="duration"/> and <paramref name="minimumSteps"/> requests, or until <paramref name="stop"/>.
    /// </summary>
    private static async Task RunLoadAsync(
        OlorinApiFactory host, string tenant, AcknowledgedWrites model, TimeSpan duration, int minimumSteps, CancellationToken stop)
    {
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(stop, Ct);
        var clock = Stopwatch.StartNew();
        var steps = 0;
        bool Done() => cancelled.IsCancellationRequested
                       || (duration != Timeout.InfiniteTimeSpan && clock.Elapsed >= duration && Volatile.Read(ref steps) >= minimumSteps);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var client = host.CreateClient(tenant, "alice");
            var random = new Random(worker * 7919 + Environment.TickCount);
            while (!Done())
            {
                await model.StepAsync(client, worker, random);
                Interlocked.Increment(ref steps);
                // Bounded: at most ~40 requests/s per worker, so the load does not starve migrate and the relay of CPU.
                await Task.Delay(25, CancellationToken.None);
            }
        })));
    }

    private static string Url(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{b.Database}";
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> Cli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "olorin.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in new[] { "DATABASE_URL", "MONGODB_URI", "MONGODB_DATABASE" }) start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(CliBudget);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>
/// What the clients were told: for every key, the last acknowledged body (null once a delete got a 2xx). A write that
/// got neither a 2xx nor a definite refusal (4xx) is uncertain and counted (the test expects none).
/// </summary>
internal sealed class AcknowledgedWrites
{
    private readonly ConcurrentDictionary<(string Resource, string Id), JsonObject?> _last = new();
    private readonly ConcurrentDictionary<(string Resource, string Id), int> _versions = new();
    private readonly ConcurrentDictionary<int, List<(string Resource, string Id)>> _live = new();
    private long _acknowledged, _uncertain, _counter;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);
    public long Uncertain => Interlocked.Read(ref _uncertain);

    public async Task StepAsync(HttpClient client, int worker, Random random)
    {
        var live = _live.GetOrAdd(worker, _ => []);
        var roll = random.Next(100);
        try
        {
            if (live.Count < 3 || roll < 40) await CreateAsync(client, worker, random, live);
            else if (roll < 80) await UpdateAsync(client, live[random.Next(live.Count)], random);
            else if (roll < 90) await DeleteAsync(client, live, random.Next(live.Count));
            else await client.GetAsync(Path(live[random.Next(live.Count)]), CancellationToken.None);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref _uncertain);
        }
    }

    private async Task CreateAsync(HttpClient client, int worker, Random random, List<(string Resource, string Id)> live)
    {
        var n = Interlocked.Increment(ref _counter);
        var resource = new[] { "investigations", "detectors", "templates" }[random.Next(3)];
        var id = $"w{worker}-{n}";
        JsonObject body = resource switch
        {
            "investigations" => new() { ["investigation_id"] = id, ["settings"] = new JsonObject { ["name"] = $"case {n}" }, ["status"] = "CREATED" },
            "detectors" => Api.DetectorsApiTests.ValidDetector(id),
            _ => new() { ["template_id"] = id, ["name"] = $"template {id}", ["template"] = new JsonObject { ["entity_type"] = "email", ["agents"] = new JsonArray("network") } },
        };
        var response = await client.PostAsJsonAsync($"/{resource}", body, CancellationToken.None);
        if (await RecordAsync(response, (resource, id)) is { } created)
        {
            live.Add((resource, id));
            if (resource == "investigations") _versions[(resource, id)] = created["version"]!.GetValue<int>();
        }
    }

    private async Task UpdateAsync(HttpClient client, (string Resource, string Id) key, Random random)
    {
        JsonObject body = key.Resource switch
        {
            "investigations" => new() { ["version"] = _versions[key], ["settings"] = new JsonObject { ["name"] = $"renamed {random.Next()}" } },
            "detectors" => new() { ["name"] = $"renamed {random.Next()}", ["enabled"] = random.Next(2) == 0 },
            _ => new() { ["description"] = $"described {random.Next()}" },
        };
        var response = await client.PatchAsync(Path(key), JsonContent.Create(body), CancellationToken.None);
        if (await RecordAsync(response, key) is { } updated && key.Resource == "investigations")
            _versions[key] = updated["version"]!.GetValue<int>();
    }

    private async Task DeleteAsync(HttpClient client, List<(string Resource, string Id)> live, int index)
    {
        var key = live[index];
        var response = await client.DeleteAsync(Path(key), CancellationToken.None);
        if ((int)response.StatusCode is >= 200 and < 300)
        {
            _last[key] = null;
            live.RemoveAt(index);
            Interlocked.Increment(ref _acknowledged);
        }
        else if ((int)response.StatusCode >= 500) Interlocked.Increment(ref _uncertain);
    }

    private async Task<JsonObject?> RecordAsync(HttpResponseMessage response, (string Resource, string Id) key)
    {
        if ((int)response.StatusCode >= 500) { Interlocked.Increment(ref _uncertain); return null; }
        if (!response.IsSuccessStatusCode) return null;
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        _last[key] = body;
        Interlocked.Increment(ref _acknowledged);
        return body;
    }

    private static string Path((string Resource, string Id) key) => $"/{key.Resource}/{Uri.EscapeDataString(key.Id)}";

    /// <summary>By-id reads of up to 20 live documents (so the phase's shadow reads have something to compare).</summary>
    public async Task ReadSomeAsync(HttpClient client)
    {
        foreach (var key in _last.Where(p => p.Value is not null).Select(p => p.Key).Take(20))
            (await client.GetAsync(Path(key), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
    }

    /// <summary>Every acknowledged document is served with its last acknowledged content; every acknowledged delete is a 404.</summary>
    public async Task AssertAllPresentAsync(HttpClient client)
    {
        foreach (var (key, expected) in _last)
        {
            var response = await client.GetAsync(Path(key), TestContext.Current.CancellationToken);
            if (expected is null)
            {
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{key} was deleted (2xx) but answers {(int)response.StatusCode}");
                continue;
            }
            var actual = await response.AssertJsonAsync(HttpStatusCode.OK);
            // Reading an investigation sets last_accessed (Decision 6: not part of its content).
            actual.Remove("last_accessed");
            var wanted = expected.DeepClone().AsObject();
            wanted.Remove("last_accessed");
            Assert.True(JsonNode.DeepEquals(wanted, actual), $"{key}: last acknowledged {wanted.ToJsonString()}\n served {actual.ToJsonString()}");
        }
    }
}

[CollectionDefinition(PhasedMigrationEndToEndTests.Alone, DisableParallelization = true)]
public sealed class PhasedMigrationEndToEndCollection;
