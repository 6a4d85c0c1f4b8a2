using Olorin.Server.Observability;

namespace Olorin.Server.Tests.Observability;

public sealed class LatencyWindowTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Error_rate_is_5xx_over_all_and_p99_is_the_99th_percentile_latency()
    {
        var window = new LatencyWindow(TimeSpan.FromSeconds(60), new ManualClock(Start));
        for (var i = 1; i <= 100; i++) window.Record(TimeSpan.FromMilliseconds(i * 10), serverError: i % 20 == 0);

        var summary = window.Summarize();

        Assert.Equal(100, summary.Requests);
        Assert.Equal(5, summary.ServerErrors);
        Assert.Equal(5, summary.ErrorRatePercent);
        // 99th of 10, 20, …, 1000 ms is 990 ms; HdrHistogram keeps two significant digits.
        Assert.InRange(summary.P99LatencyMs!.Value, 985, 1000);
    }

    [Fact]
    public void Without_traffic_there_is_no_rate_and_no_percentile()
    {
        var summary = new LatencyWindow(TimeSpan.FromSeconds(60), new ManualClock(Start)).Summarize();
        Assert.Equal(0, summary.Requests);
        Assert.Null(summary.ErrorRatePercent);
        Assert.Null(summary.P99LatencyMs);
    }

    [Fact]
    public void Old_traffic_leaves_the_window_slice_by_slice()
    {
        var clock = new ManualClock(Start);
        var window = new LatencyWindow(TimeSpan.FromSeconds(60), clock);
        for (var i = 0; i < 10; i++) window.Record(TimeSpan.FromSeconds(2), serverError: true);

        clock.Now = Start.AddSeconds(30);
        for (var i = 0; i < 10; i++) window.Record(TimeSpan.FromMilliseconds(5), serverError: false);
        var both = window.Summarize();
        Assert.Equal(20, both.Requests);
        Assert.Equal(50, both.ErrorRatePercent);
        Assert.True(both.P99LatencyMs >= 1990);

        clock.Now = Start.AddSeconds(65); // the first burst is over a minute old
        var recent = window.Summarize();
        Assert.Equal(10, recent.Requests);
        Assert.Equal(0, recent.ErrorRatePercent);
        Assert.True(recent.P99LatencyMs < 6);

        clock.Now = Start.AddSeconds(200); // a slot reused much later holds only its new traffic
        window.Record(TimeSpan.FromMilliseconds(1), serverError: false);
        Assert.Equal(1, window.Summarize().Requests);
    }
}
