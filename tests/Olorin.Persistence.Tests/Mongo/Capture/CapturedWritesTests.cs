using Olorin.Core.Phases;
using Olorin.Persistence.Mongo.Repositories.Capture;

namespace Olorin.Persistence.Tests.Mongo.Capture;

/// <summary>The capture seam itself (<see cref="CapturedWrites"/>, <see cref="MongoCaptureSwitch"/>), server-free.</summary>
public sealed class CapturedWritesTests
{
    private static readonly ChangeKey Key = new("detectors", "t1", "d1");

    private static (CapturedWrites Capture, RecordingIntents Intents) Seam(bool on)
    {
        var intents = new RecordingIntents();
        return (new CapturedWrites(intents, new MongoCaptureSwitch(_ => Task.FromResult(on), new ManualClock(), MongoCaptureSwitch.Ttl)), intents);
    }

    [Fact]
    public async Task Capture_off_runs_the_write_alone()
    {
        var (capture, intents) = Seam(on: false);

        var result = await capture.RunAsync(Key, () => Task.FromResult(42), TestContext.Current.CancellationToken);

        Assert.Equal(42, result);
        Assert.Empty(intents.Calls);
    }

    [Fact]
    public async Task Capture_on_begins_before_the_write_and_ends_after_it()
    {
        var (capture, intents) = Seam(on: true);
        var seenAtWrite = 0;

        await capture.RunAsync(Key, () => { seenAtWrite = intents.Calls.Count; return Task.FromResult(true); }, TestContext.Current.CancellationToken);

        Assert.Equal(1, seenAtWrite);
        Assert.Equal(["begin", "end"], intents.Calls.Select(c => c.Call));
        Assert.All(intents.Calls, c => Assert.Equal([Key], c.Keys));
    }

    [Fact]
    public async Task A_failed_write_still_ends_its_intents_and_its_error_reaches_the_caller()
    {
        var (capture, intents) = Seam(on: true);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => capture.RunAsync<int>(Key,
            () => throw new InvalidOperationException("write failed"), TestContext.Current.CancellationToken));

        Assert.Contains("write failed", error.Message);
        Assert.Equal(["begin", "end"], intents.Calls.Select(c => c.Call));
    }

    [Fact]
    public async Task A_failed_begin_writes_nothing()
    {
        var (capture, intents) = Seam(on: true);
        intents.FailBegin = new TimeoutException("outbox down");
        var wrote = false;

        await Assert.ThrowsAsync<TimeoutException>(() => capture.RunAsync(Key, () => { wrote = true; return Task.FromResult(1); }, TestContext.Current.CancellationToken));

        Assert.False(wrote);
        Assert.Equal(["begin"], intents.Calls.Select(c => c.Call));
    }

    [Fact]
    public async Task A_failed_end_does_not_fail_an_acknowledged_write()
    {
        var (capture, intents) = Seam(on: true);
        intents.FailEnd = new TimeoutException("outbox down after the write");

        var result = await capture.RunAsync(Key, () => Task.FromResult("written"), TestContext.Current.CancellationToken);

        Assert.Equal("written", result);
        Assert.Equal(["begin", "end"], intents.Calls.Select(c => c.Call));
    }

    [Fact]
    public async Task The_end_is_not_cancelled_with_the_request()
    {
        var (capture, intents) = Seam(on: true);
        using var request = new CancellationTokenSource();

        await Assert.ThrowsAsync<OperationCanceledException>(() => capture.RunAsync<int>(Key, async () =>
        {
            await request.CancelAsync();
            request.Token.ThrowIfCancellationRequested();
            return 0;
        }, request.Token));

        Assert.Equal(["begin", "end"], intents.Calls.Select(c => c.Call));
    }

    [Fact]
    public async Task No_keys_no_intents()
    {
        var (capture, intents) = Seam(on: true);

        await capture.RunAsync([], () => Task.CompletedTask, TestContext.Current.CancellationToken);

        Assert.Empty(intents.Calls);
    }

    [Fact]
    public async Task The_switch_is_read_once_per_ttl_and_a_known_change_applies_at_once()
    {
        var clock = new ManualClock();
        var reads = 0;
        var stored = false;
        var captureSwitch = new MongoCaptureSwitch(_ => { reads++; return Task.FromResult(stored); }, clock, TimeSpan.FromSeconds(1));
        var ct = TestContext.Current.CancellationToken;

        Assert.False(await captureSwitch.IsOnAsync(ct));
        stored = true;
        Assert.False(await captureSwitch.IsOnAsync(ct)); // cached
        Assert.Equal(1, reads);

        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.True(await captureSwitch.IsOnAsync(ct)); // another process switched it on: seen after the TTL
        Assert.Equal(2, reads);

        captureSwitch.Known(false); // this process switched it off
        Assert.False(await captureSwitch.IsOnAsync(ct));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task A_failed_read_of_the_switch_fails_the_write_and_is_read_again_next_time()
    {
        var attempts = 0;
        var captureSwitch = new MongoCaptureSwitch(_ => ++attempts == 1 ? Task.FromException<bool>(new TimeoutException("down")) : Task.FromResult(true),
            new ManualClock(), TimeSpan.FromSeconds(1));
        var intents = new RecordingIntents();
        var capture = new CapturedWrites(intents, captureSwitch);
        var wrote = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => capture.RunAsync(Key, () => Task.FromResult(++wrote), TestContext.Current.CancellationToken));
        Assert.Equal(0, wrote);

        await capture.RunAsync(Key, () => Task.FromResult(++wrote), TestContext.Current.CancellationToken);
        Assert.Equal(1, wrote);
        Assert.Equal(["begin", "end"], intents.Calls.Select(c => c.Call));
    }
}
