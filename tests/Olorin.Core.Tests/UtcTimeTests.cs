using Olorin.Core.Serialization;

namespace Olorin.Core.Tests;

public sealed class UtcTimeTests
{
    [Fact]
    public void Normalize_truncates_to_milliseconds_in_utc()
    {
        var value = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567);
        var normalized = UtcTime.Normalize(value);
        Assert.Equal(DateTimeKind.Utc, normalized.Kind);
        Assert.Equal(0, normalized.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Equal(value.AddTicks(-4_567), normalized);
    }

    [Fact]
    public void Unspecified_kind_is_taken_as_utc()
    {
        var value = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Unspecified);
        Assert.Equal(new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc), UtcTime.Normalize(value));
    }

    [Fact]
    public void Now_reads_the_given_clock()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2)).AddTicks(99));
        Assert.Equal(new DateTime(2026, 5, 6, 5, 8, 9, 123, DateTimeKind.Utc), UtcTime.Now(clock));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
