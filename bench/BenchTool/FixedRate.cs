using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

/// <summary>
/// An open-loop write load at a fixed offered rate, as wrk2 generates it (docs/performance.md, "Session 9: dual writes
/// at a fixed offered rate"): request i is due at start + i / rate and is sent then, whether or not the requests before
/// it have been answered (each one in flight on its own pooled connection), and its latency is measured from that
/// intended send time. Past <c>--max-connections</c> in flight (64 by default: each one can hold one of the server's
/// pooled database connections, on a PostgreSQL other benchmarks share) a request waits for a connection in the
/// client, and that wait counts in its latency too. A server stall therefore counts against every request that fell
/// due during it, not only against the one a closed-loop connection was waiting on (coordinated omission), and a
/// generator that sends late cannot hide it either. The first <c>--warmup</c> seconds run at the same rate and are not
/// recorded. Latencies go into an HdrHistogram (microseconds, 3 significant digits).
/// Run it as bench/phases.sh does, with <c>DOTNET_TieredCompilation=0</c> and
/// <c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0</c>: it shares the server's cores, and in a fresh process the tiered
/// JIT's recompilations and the idle pool workers' spinning each cost more CPU in the measured window than the requests.
/// </summary>
internal static class FixedRate
{
    public const string Usage =
        "fixed-rate <base url> <tenant> <post|patch> <requests/s> <seconds> [--warmup s] [--id-prefix p] [--first-id n] [--max-connections n] [--timeout s] [--histogram file] [--timeline file]";

    /// <summary>
    /// Prints, on stdout, one line for bench/phases.sh:
    /// <c>FIXED offered/s achieved/s P50 P99 P99.9 max(ms) measured sent non-2xx socket-errors generator-CPU-ms-per-1000 generator-CPU-%-of-a-core send-lag-P99(ms) peak-in-flight</c>
    /// and a readable summary on stderr. Exit status 0 even when requests failed: the caller judges the counts.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count < 5) { Console.Error.WriteLine($"usage: BenchTool {Usage}"); return 2; }
        var options = Options(args.Skip(5).ToList());
        var rate = double.Parse(args[3], CultureInfo.InvariantCulture);
        var seconds = double.Parse(args[4], CultureInfo.InvariantCulture);
        if (rate <= 0 || seconds <= 0) { Console.Error.WriteLine("requests/s and seconds must be positive"); return 2; }
        var operation = args[2];
        var idPrefix = options.GetValueOrDefault("id-prefix") ?? (operation == "patch" ? "fix-" : $"post-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-f-");
        var run = new FixedRateRun(
            new Uri(args[0].TrimEnd('/') + "/"), args[1],
            new WriteRequests(operation, idPrefix, long.Parse(options.GetValueOrDefault("first-id") ?? "0", CultureInfo.InvariantCulture)),
            int.Parse(options.GetValueOrDefault("max-connections") ?? "64", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("timeout") ?? "10", CultureInfo.InvariantCulture)));
        var warmup = double.Parse(options.GetValueOrDefault("warmup") ?? "2", CultureInfo.InvariantCulture);
        var result = await run.RunAsync(rate, warmup, seconds);

        Console.WriteLine(result.Line());
        Console.Error.WriteLine(result.Summary(operation, warmup, seconds));
        if (options.GetValueOrDefault("histogram") is { } file)
        {
            await using var writer = File.CreateText(file);
            result.Latency.OutputPercentileDistribution(writer, outputValueUnitScalingRatio: 1000.0); // µs recorded, ms written
        }
        if (options.GetValueOrDefault("timeline") is { } timelineFile) await File.WriteAllLinesAsync(timelineFile, run.Timeline.Lines());
        return 0;
    }

    private static Dictionary<string, string> Options(List<string> rest)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < rest.Count; i += 2)
        {
            if (!rest[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= rest.Count) throw new ArgumentException($"usage: BenchTool {Usage}");
            options[rest[i][2..]] = rest[i + 1];
        }
        return options;
    }
}

internal sealed record FixedRateResult(
    double Offered, double Achieved, HistogramBase Latency, HistogramBase SendLag, long Measured, long Sent, long Non2xx, long SocketErrors,
    double GeneratorCpuMsPer1000, double GeneratorCpuShare, long PeakInFlight, string? FirstFailure, double GeneratorCpuBeforeWindowMs, double SecondsBeforeWindow)
{
    private double Ms(HistogramBase histogram, double percentile) => histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"FIXED {Offered:0.0} {Achieved:0.0} {Ms(Latency, 50):0.00} {Ms(Latency, 99):0.00} {Ms(Latency, 99.9):0.00} {Latency.GetMaxValue() / 1000.0:0.00} {Measured} {Sent} {Non2xx} {SocketErrors} {GeneratorCpuMsPer1000:0.0} {GeneratorCpuShare * 100:0.0} {Ms(SendLag, 99):0.00} {PeakInFlight}");

    public string Summary(string operation, double warmup, double seconds) => string.Create(CultureInfo.InvariantCulture,
        $"fixed-rate {operation}: offered {Offered:0.0}/s for {seconds} s (+{warmup} s warm-up), achieved {Achieved:0.0}/s; latency from the intended send time " +
        $"P50 {Ms(Latency, 50):0.00} ms, P99 {Ms(Latency, 99):0.00}, P99.9 {Ms(Latency, 99.9):0.00}, max {Latency.GetMaxValue() / 1000.0:0.00}; " +
        $"{Non2xx} non-2xx, {SocketErrors} socket errors or timeouts{(FirstFailure is null ? "" : $" (first: {FirstFailure})")}; " +
        $"generator CPU {GeneratorCpuMsPer1000:0.0} ms per 1000 requests ({GeneratorCpuShare * 100:0.0}% of one core), sent late by {Ms(SendLag, 99):0.00} ms at P99, {PeakInFlight} in flight at most; " +
        $"before the window (the process's start-up and the warm-up, {SecondsBeforeWindow:0.0} s) the generator used {GeneratorCpuBeforeWindowMs:0} CPU-ms");
}

/// <summary>One fixed-rate run: the schedule on its own thread, each request on the thread pool.</summary>
internal sealed class FixedRateRun(Uri server, string tenant, WriteRequests requests, int maxConnections, TimeSpan timeout)
{
    private static readonly long MaxTrackableMicros = (long)TimeSpan.FromMinutes(2).TotalMicroseconds;
    private readonly LongConcurrentHistogram latency = new(1, MaxTrackableMicros, 3);
    private readonly LongConcurrentHistogram sendLag = new(1, MaxTrackableMicros, 3);
    private long succeeded, non2xx, socketErrors, inFlight, peakInFlight, lastCompletion;
    private string? firstFailure;

    /// <summary>The measured window's slowest latency and request count per 100 ms of intended send time.</summary>
    public LatencyTimeline Timeline { get; private set; } = LatencyTimeline.Empty;

    public async Task<FixedRateResult> RunAsync(double rate, double warmupSeconds, double seconds)
    {
        using var client = Client();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var firstMeasured = (long)Math.Ceiling(warmupSeconds * rate);
        var total = firstMeasured + (long)Math.Floor(seconds * rate);
        var tasks = new List<Task>((int)total);
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        long Due(long i) => start + (long)(i * ticksPerRequest);
        long windowStart = Due(firstMeasured);
        Timeline = new LatencyTimeline(windowStart, seconds);
        TimeSpan cpuAtWindowStart = default;

        // The schedule never waits for a response: it sleeps until the next request is due (Thread.Sleep's millisecond
        // granularity makes a request up to ~1 ms late, counted in its latency) and starts every due request itself — up
        // to the request's first await (its write to a pooled connection) — so no hand-off to the pool delays a send.
        var schedule = new Thread(() =>
        {
            for (long i = 0; i < total;)
            {
                var now = Stopwatch.GetTimestamp();
                for (; i < total && Due(i) <= now; i++)
                {
                    if (i == firstMeasured) cpuAtWindowStart = Environment.CpuUsage.TotalTime;
                    var (n, due, measured) = (i, Due(i), i >= firstMeasured);
                    tasks.Add(SendAsync(client, n, due, measured));
                }
                if (i < total)
                {
                    var remaining = Due(i) - Stopwatch.GetTimestamp();
                    if (remaining > 0) Thread.Sleep(Math.Max(1, (int)(remaining * 1000 / Stopwatch.Frequency)));
                }
            }
        }) { IsBackground = true, Name = "fixed-rate schedule" };
        schedule.Start();
        await Task.Run(schedule.Join);
        await Task.WhenAll(tasks);
        var cpu = (Environment.CpuUsage.TotalTime - cpuAtWindowStart).TotalMilliseconds;
        var wall = (Stopwatch.GetTimestamp() - windowStart) / (double)Stopwatch.Frequency;
        var measured = total - firstMeasured;
        // Achieved: acknowledged writes per second over the window, stretched to the last answer when the server fell behind.
        var span = Math.Max(seconds, (Interlocked.Read(ref lastCompletion) - windowStart) / (double)Stopwatch.Frequency);
        return new FixedRateResult(rate, succeeded / span, latency, sendLag, measured, total, non2xx, socketErrors,
            cpu * 1000 / Math.Max(1, measured), cpu / 1000 / wall, peakInFlight, firstFailure,
            cpuAtWindowStart.TotalMilliseconds, SecondsSinceProcessStart() - (Stopwatch.GetTimestamp() - windowStart) / (double)Stopwatch.Frequency);
    }

    private static double SecondsSinceProcessStart()
    {
        using var self = Process.GetCurrentProcess();
        return (DateTime.Now - self.StartTime).TotalSeconds;
    }

    private HttpClient Client()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { BaseAddress = server, Timeout = timeout };
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-User-Id", "bench");
        return client;
    }

    private async Task SendAsync(HttpClient client, long n, long due, bool measured)
    {
        var sent = Stopwatch.GetTimestamp();
        var now = Interlocked.Increment(ref inFlight);
        for (var peak = Interlocked.Read(ref peakInFlight); now > peak; peak = Interlocked.Read(ref peakInFlight))
            if (Interlocked.CompareExchange(ref peakInFlight, now, peak) == peak) break;
        try
        {
            using var request = requests.Create(n);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            if (!measured) return;
            Record(due, sent);
            if (response.IsSuccessStatusCode) Interlocked.Increment(ref succeeded);
            else
            {
                Interlocked.Increment(ref non2xx);
                Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode} {Truncated(await response.Content.ReadAsStringAsync())}", null);
            }
        }
        catch (TaskCanceledException)
        {
            if (!measured) return;
            // HttpClient.Timeout: the request took at least the timeout, and that is what it costs its P99.
            Record(due, sent);
            Interlocked.Increment(ref socketErrors);
            Interlocked.CompareExchange(ref firstFailure, $"no answer within {timeout.TotalSeconds} s", null);
        }
        catch (HttpRequestException e)
        {
            if (!measured) return;
            Interlocked.Increment(ref socketErrors);
            Interlocked.CompareExchange(ref firstFailure, e.Message, null);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private void Record(long due, long sent)
    {
        var done = Stopwatch.GetTimestamp();
        var micros = Micros(done - due);
        latency.RecordValue(micros);
        Timeline.Record(due, micros);
        sendLag.RecordValue(Micros(sent - due));
        for (var last = Interlocked.Read(ref lastCompletion); done > last; last = Interlocked.Read(ref lastCompletion))
            if (Interlocked.CompareExchange(ref lastCompletion, done, last) == last) break;
    }

    private static long Micros(long ticks) => Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 1, MaxTrackableMicros);

    private static string Truncated(string text)
    {
        var line = string.Join(' ', text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}

/// <summary>
/// Per 100 ms of intended send time in the measured window: the slowest latency and how many requests fell due, written
/// with the wall-clock time of each slot so a stall can be laid beside samples taken by other processes (bench/phases.sh
/// lines them up with its CPU-pressure and autovacuum samples).
/// </summary>
internal sealed class LatencyTimeline(long windowStart, double seconds)
{
    private static readonly long TicksPerSlot = Stopwatch.Frequency / 10;
    public static readonly LatencyTimeline Empty = new(0, 0);
    private readonly double windowStartEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0
        + (windowStart - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency;
    private static int Slots(double seconds) => (int)Math.Ceiling(seconds * 10) + 1;
    private readonly long[] slowestMicros = new long[Slots(seconds)];
    private readonly long[] counts = new long[Slots(seconds)];

    public void Record(long due, long micros)
    {
        var slot = (due - windowStart) / TicksPerSlot;
        if (slot < 0 || slot >= counts.Length) return;
        Interlocked.Increment(ref counts[slot]);
        for (var slowest = Interlocked.Read(ref slowestMicros[slot]); micros > slowest; slowest = Interlocked.Read(ref slowestMicros[slot]))
            if (Interlocked.CompareExchange(ref slowestMicros[slot], micros, slowest) == slowest) break;
    }

    /// <summary>"epoch-seconds seconds-into-window slowest-ms requests", one line per slot.</summary>
    public IEnumerable<string> Lines() => counts.Select((count, slot) => string.Create(CultureInfo.InvariantCulture,
        $"{windowStartEpoch + slot / 10.0:0.0} {slot / 10.0:0.0} {slowestMicros[slot] / 1000.0:0.00} {count}"));
}
