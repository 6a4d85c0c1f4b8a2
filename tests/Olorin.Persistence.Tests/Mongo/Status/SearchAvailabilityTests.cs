using MongoDB.Driver.Core.Events;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>
/// The answer start-up gave is re-checked at most once a minute; a re-check that cannot reach the server keeps it.
/// (That a rebuilt or FAILED index is then noticed is the listing judged by <see cref="SearchIndexCheck"/>, tested there.)
/// Whether the server was asked is counted from the driver's server-selection events (every operation selects a server
/// first), not inferred from a wall-clock duration, which a loaded machine stretches past any small bound.
/// </summary>
public sealed class SearchAvailabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Operations the availability sent towards the server (server selections started).</summary>
    private sealed class Asked
    {
        private int count;
        public int Count => Volatile.Read(ref count);
        public void Add() => Interlocked.Increment(ref count);
    }

    private static MongoSearchAvailability Availability(ManualClock clock, bool supported, bool vector, Asked asked)
    {
        var settings = MongoClientFactory.CreateClientSettings(UnreachableServer.Settings);
        var configure = settings.ClusterConfigurator;
        settings.ClusterConfigurator = builder =>
        {
            configure?.Invoke(builder);
            builder.Subscribe<ClusterSelectingServerEvent>(_ => asked.Add());
        };
        var client = MongoClientFactory.CreateClient(settings);
        var capabilities = new MongoCapabilities("8.0.4", true, supported, VectorSearchAvailable: vector, AtlasSearchAvailable: false);
        return new MongoSearchAvailability(client.GetDatabase("olorin_unreachable"), UnreachableServer.Settings, capabilities, clock);
    }

    [Fact]
    public async Task Within_the_interval_the_start_up_answer_is_used_without_asking_the_server()
    {
        var clock = new ManualClock();
        var asked = new Asked();
        var availability = Availability(clock, supported: true, vector: true, asked);
        clock.Now += MongoSearchAvailability.RecheckInterval - TimeSpan.FromSeconds(1);

        Assert.True(await availability.VectorSearchUsableAsync(Ct));
        Assert.False(await availability.AtlasSearchUsableAsync(Ct));
        Assert.Equal(0, asked.Count);
    }

    [Fact]
    public async Task After_the_interval_a_failed_re_check_keeps_the_answer_and_waits_another_interval()
    {
        var clock = new ManualClock();
        var asked = new Asked();
        var availability = Availability(clock, supported: true, vector: true, asked);
        clock.Now += MongoSearchAvailability.RecheckInterval;

        Assert.True(await availability.VectorSearchUsableAsync(Ct)); // the listing failed: answer kept
        var afterRecheck = asked.Count;
        Assert.True(afterRecheck > 0, "the re-check after the interval did not ask the server");

        Assert.True(await availability.VectorSearchUsableAsync(Ct));
        Assert.Equal(afterRecheck, asked.Count); // not re-checked again at once
        clock.Now += MongoSearchAvailability.RecheckInterval - TimeSpan.FromSeconds(1);
        Assert.True(await availability.VectorSearchUsableAsync(Ct));
        Assert.Equal(afterRecheck, asked.Count); // nor within the next interval
    }

    [Fact]
    public async Task Without_search_index_support_nothing_is_ever_listed()
    {
        var clock = new ManualClock();
        var asked = new Asked();
        var availability = Availability(clock, supported: false, vector: false, asked);
        clock.Now += TimeSpan.FromHours(1);

        Assert.False(await availability.VectorSearchUsableAsync(Ct));
        Assert.Equal(0, asked.Count);
    }
}
