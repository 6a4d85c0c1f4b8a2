using HdrHistogram;

namespace Olorin.Server.Observability;

/// <summary>
/// Request outcomes over a sliding window (the last <c>ROLLBACK_WINDOW_SECONDS</c>), kept as a ring of
/// <see cref="Slices"/> HdrHistogram slices, so a percentile is exact to two significant digits (1 %) and old traffic leaves
/// the window one slice at a time.
/// </summary>
public sealed class LatencyWindow(TimeSpan window, TimeProvider clock)
{
    public const int Slices = 12;
    private const long HighestMicroseconds = 3_600_000_000; // one hour

    private readonly long _sliceTicks = Math.Max(1, window.Ticks / Slices);
    private readonly Slice[] _ring = Enumerable.Range(0, Slices).Select(_ => new Slice()).ToArray();
    private readonly Lock _gate = new();

    public TimeSpan Window { get; } = window;

    public void Record(TimeSpan duration, bool serverError)
    {
        var index = clock.GetUtcNow().UtcTicks / _sliceTicks;
        var micros = Math.Clamp((long)(duration.Ticks / (TimeSpan.TicksPerMillisecond / 1000.0)), 1, HighestMicroseconds);
        lock (_gate)
        {
            var slice = _ring[index % Slices];
            if (slice.Index != index) slice.Reset(index);
            slice.Latency.RecordValue(micros);
            if (serverError) slice.ServerErrors++;
        }
    }

    public WindowSummary Summarize()
    {
        var current = clock.GetUtcNow().UtcTicks / _sliceTicks;
        var merged = NewHistogram();
        long errors = 0;
        lock (_gate)
        {
            foreach (var slice in _ring)
            {
                if (slice.Index <= current - Slices || slice.Index > current) continue;
                merged.Add(slice.Latency);
                errors += slice.ServerErrors;
            }
        }
        var requests = merged.TotalCount;
        return new WindowSummary(
            requests, errors,
            requests == 0 ? null : Math.Round(100.0 * errors / requests, 2),
            requests == 0 ? null : Math.Round(merged.GetValueAtPercentile(99) / 1000.0, 1));
    }

    private static LongHistogram NewHistogram() => new(HighestMicroseconds, 2);

    private sealed class Slice
    {
        public long Index { get; private set; } = long.MinValue;
        public LongHistogram Latency { get; } = NewHistogram();
        public long ServerErrors { get; set; }

        public void Reset(long index)
        {
            Index = index;
            Latency.Reset();
            ServerErrors = 0;
        }
    }
}

/// <param name="ErrorRatePercent">5xx / all, null without traffic.</param>
/// <param name="P99LatencyMs">null without traffic.</param>
public sealed record WindowSummary(long Requests, long ServerErrors, double? ErrorRatePercent, double? P99LatencyMs);
