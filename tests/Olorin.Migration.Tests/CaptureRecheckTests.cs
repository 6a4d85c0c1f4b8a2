using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Phases;
using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Migration.Seeding;

namespace Olorin.Migration.Tests;

/// <summary>
/// The copy engine asks whether the source captures for every collection, not once per run: capture switched on while
/// a run is under way (a server started in dual) makes the collections copied after that a guarded backfill, which
/// records the keys it wrote in the source's outbox.
/// </summary>
public sealed class CaptureRecheckTests
{
    /// <summary>Turns the source's capture on when the given collection starts.</summary>
    private sealed class CaptureOnAt(string collection, IChangeOutbox outbox) : ICopyObserver
    {
        public void Started(string name, long sourceCount, long alreadyDone, bool resumed)
        {
            if (name == collection) outbox.SetCaptureAsync(true, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        }

        public void Progress(string name, long done) { }
        public void Failed(string name, FailedDocument failure) { }
    }

    [Fact]
    public async Task Capture_switched_on_during_a_run_guards_the_collections_copied_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = await PostgresEndpoint.CreateAsync();
        await using var secondary = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-recheck", 3).WriteAsync(primary.Services, cancellationToken: ct);
        var outbox = primary.Services.GetRequiredService<IChangeOutbox>();
        var collections = MigrationCollections.Select(["detectors", "templates"]);

        var results = await new CopyEngine(primary.Endpoint, secondary.Endpoint, new CopyOptions { Restart = true, Parallelism = 1 }, new CaptureOnAt("detectors", outbox))
            .CopyAsync(collections, ct);

        Assert.All(results, r => Assert.True(r.Copied > 0, $"{r.Collection} copied nothing"));
        // One collection at a time, so "before" and "after" the switch are well defined (with two at a time, templates
        // may still be copying when detectors turns capture on; keys it then records are harmless extra relays).
        // templates were copied before capture was on (copy order): no keys recorded; detectors after: every key recorded.
        Assert.Equal(["templates", "detectors"], results.Select(r => r.Collection));
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_outbox WHERE collection = 'templates'"));
        Assert.Equal(results.Single(r => r.Collection == "detectors").Copied,
            await primary.ScalarAsync<long>("SELECT count(DISTINCT document_id) FROM change_outbox WHERE collection = 'detectors'"));
    }
}
