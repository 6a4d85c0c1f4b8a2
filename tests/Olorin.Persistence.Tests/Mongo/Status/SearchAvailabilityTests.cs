using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>
/// The answer start-up gave is re-checked at most once a minute; a re-check that cannot reach the server keeps it.
/// (That a rebuilt or FAILED index is then noticed is the listing judged by <see cref="SearchIndexCheck"/>, tested there.)
/// </summary>
public sealed class SearchAvailabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static MongoSearchAvailability Availability(ManualClock clock, bool supported, bool vector)
    {
        var client = MongoClientFactory.CreateClient(UnreachableServer.Settings);
        var capabilities = new MongoCapabilities("8.0.4", true, supported, VectorSearchAvailable: vector, AtlasSearchAvailable: false);
        return new MongoSearchAvailability(client.GetDatabase("olorin_unreachable"), UnreachableServer.Settings, capabilities, clock);
    }

    [Fact]
    public async Task Within_the_interval_the_start_up_answer_is_used_without_asking_the_server()
    {
        var clock = new ManualClock();
        var availability = Availability(clock, supported: true, vector: true);
        clock.Now += MongoSearchAvailability.RecheckInterval - TimeSpan.FromSeconds(1);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.True(await availability.VectorSearchUsableAsync(Ct));
        Assert.False(await availability.AtlasSearchUsableAsync(Ct));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(400), $"took {watch.Elapsed}: it asked the (unreachable) server");
    }

    [Fact]
    public async Task After_the_interval_a_failed_re_check_keeps_the_answer_and_waits_another_interval()
    {
        var clock = new ManualClock();
        var availability = Availability(clock, supported: true, vector: true);
        clock.Now += MongoSearchAvailability.RecheckInterval;

        Assert.True(await availability.VectorSearchUsableAsync(Ct)); // the listing failed: answer kept

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await availability.VectorSearchUsableAsync(Ct));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(400), $"took {watch.Elapsed}: it re-checked again at once");
    }

    [Fact]
    public async Task Without_search_index_support_nothing_is_ever_listed()
    {
        var clock = new ManualClock();
        var availability = Availability(clock, supported: false, vector: false);
        clock.Now += TimeSpan.FromHours(1);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(await availability.VectorSearchUsableAsync(Ct));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(400), $"took {watch.Elapsed}");
    }
}
