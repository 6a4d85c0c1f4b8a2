using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Olorin.Core.Phases;
using Olorin.Migration.Collections;
using Olorin.Migration.Seeding;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

/// <summary>
/// What the relay does when the secondary refuses a document (dead letters), when it fails to answer (nothing is
/// removed, no attempt counted) and when unique values move between documents of one batch — on two PostgreSQL
/// databases, the secondary a stand-in for MongoDB.
/// </summary>
public sealed class RelayRefusalTests
{
    private const int Batch = 200;

    private static IChangeOutbox Outbox(PostgresEndpoint store) => store.Services.GetRequiredService<IChangeOutbox>();

    private static async Task<(PostgresEndpoint Primary, PostgresEndpoint Secondary)> PairAsync(string tenant, int investigations, TimeProvider? clock = null)
    {
        var primary = await PostgresEndpoint.CreateAsync(clock: clock);
        await Outbox(primary).SetCaptureAsync(true);
        var secondary = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset(tenant, investigations).WriteAsync(primary.Services, cancellationToken: TestContext.Current.CancellationToken);
        return (primary, secondary);
    }

    private static async Task<IReadOnlyList<CollectionVerification>> CompareAsync(PostgresEndpoint primary, PostgresEndpoint secondary)
        => await new Verifier(primary.Endpoint, secondary.Endpoint, new VerifyOptions { Restart = true }, new QuietObserver())
            .VerifyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_document_the_secondary_refuses_becomes_a_dead_letter_after_the_attempts_the_rest_is_applied_and_a_retry_applies_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (primary, secondary) = await PairAsync("tenant-poison", 20);
        await using var _p = primary;
        await using var _s = secondary;
        // The secondary refuses one detector's name (as MongoDB would refuse a document too large or a failed validation).
        var poison = (await primary.ScalarAsync<string>("SELECT detector_id FROM detectors ORDER BY detector_id LIMIT 1"))!;
        await primary.ExecuteAsync($"UPDATE detectors SET name = 'poison' WHERE detector_id = '{poison}'");
        await secondary.ExecuteAsync("ALTER TABLE detectors ADD CONSTRAINT refuse_poison CHECK (name <> 'poison')");

        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, maxAttempts: 3, ct);

        var depth = await Outbox(primary).DepthAsync(ct);
        Assert.Equal(0, depth.Entries); // the relay went on: nothing else waits behind the poison entry
        Assert.Equal(1, depth.DeadLetters);
        var letter = Assert.Single(await Outbox(primary).ListDeadLettersAsync(10, ct));
        Assert.Equal(new ChangeKey("detectors", "tenant-poison", poison), letter.Key);
        Assert.Equal(3, letter.Attempts);
        Assert.Contains("refuse_poison", letter.Error);
        Assert.Contains("23514", letter.Error);
        var results = await CompareAsync(primary, secondary);
        Assert.All(results.Where(r => r.Collection != "detectors"), r => Assert.True(r.Equal, r.Collection));
        var detectors = results.Single(r => r.Collection == "detectors");
        Assert.Equal(1, detectors.Missing);

        // A later write of the key gives it one more try (still refused: a dead letter again, one attempt more).
        await primary.ExecuteAsync($"UPDATE detectors SET updated_at = now() WHERE detector_id = '{poison}'");
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, maxAttempts: 3, ct);
        Assert.Equal(4, Assert.Single(await Outbox(primary).ListDeadLettersAsync(10, ct)).Attempts);

        // The operator fixes the cause and retries: the dead letter goes back in the outbox and is applied.
        await secondary.ExecuteAsync("ALTER TABLE detectors DROP CONSTRAINT refuse_poison");
        Assert.Equal(1, await Outbox(primary).RetryDeadLettersAsync(ct));
        Assert.Equal(1, (await Outbox(primary).DepthAsync(ct)).Entries);
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, maxAttempts: 3, ct);
        depth = await Outbox(primary).DepthAsync(ct);
        Assert.Equal((0L, 0L), (depth.Entries, depth.DeadLetters));
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_relay_failures"));
        Assert.All(await CompareAsync(primary, secondary), r => Assert.True(r.Equal, r.Collection));
    }

    [Fact]
    public async Task A_key_refused_fewer_times_than_the_limit_stays_in_the_outbox_and_its_record_goes_once_it_is_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        var (primary, secondary) = await PairAsync("tenant-refused", 5);
        await using var _p = primary;
        await using var _s = secondary;
        var poison = (await primary.ScalarAsync<string>("SELECT detector_id FROM detectors ORDER BY detector_id LIMIT 1"))!;
        await primary.ExecuteAsync($"UPDATE detectors SET name = 'poison' WHERE detector_id = '{poison}'");
        await secondary.ExecuteAsync("ALTER TABLE detectors ADD CONSTRAINT refuse_poison CHECK (name <> 'poison')");

        var batch = await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 10_000, maxAttempts: 5, ct);
        Assert.Equal((1, 0), (batch.Refused, batch.DeadLettered));
        var depth = await Outbox(primary).DepthAsync(ct);
        Assert.Equal((1L, 0L), (depth.Entries, depth.DeadLetters)); // back in the outbox, behind the others
        Assert.True(await Outbox(primary).IsPendingAsync("detectors", "tenant-refused", poison, ct));
        Assert.Equal(1, await primary.ScalarAsync<int>($"SELECT attempts FROM change_relay_failures WHERE document_id = '{poison}'"));

        await secondary.ExecuteAsync("ALTER TABLE detectors DROP CONSTRAINT refuse_poison");
        batch = await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 10_000, maxAttempts: 5, ct);
        Assert.Equal((1, 0), (batch.Documents, batch.Refused));
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_relay_failures"));
        Assert.All(await CompareAsync(primary, secondary), r => Assert.True(r.Equal, r.Collection));
    }

    /// <summary>A fake relay clock on a whole second (timestamptz keeps microseconds), near the real time the data carries.</summary>
    private static FakeTimeProvider RelayClock() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task A_refused_key_waits_its_back_off_while_other_keys_are_applied_and_is_tried_again_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        // The back-off runs on the relay's clock (RefusalBackoff): driven here, so no wall-clock wait and no timing to miss.
        var clock = RelayClock();
        var (primary, secondary) = await PairAsync("tenant-backoff", 5, clock);
        await using var _p = primary;
        await using var _s = secondary;
        var backoff = new RefusalBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        var poison = (await primary.ScalarAsync<string>("SELECT detector_id FROM detectors ORDER BY detector_id LIMIT 1"))!;
        await primary.ExecuteAsync($"UPDATE detectors SET name = 'poison' WHERE detector_id = '{poison}'");
        await secondary.ExecuteAsync("ALTER TABLE detectors ADD CONSTRAINT refuse_poison CHECK (name <> 'poison')");

        var batch = await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 10_000, 5, backoff, ct);
        Assert.Equal(1, batch.Refused);
        var refusedAt = clock.GetUtcNow();

        // Within its back-off (to its last millisecond): the refused key is not claimed (its entries stay), another key
        // written later is applied, and a new write of the refused key waits too.
        clock.Advance(backoff.First - Tick);
        await primary.ExecuteAsync("UPDATE investigation_states SET updated_at = now() WHERE investigation_id = (SELECT min(investigation_id) FROM investigation_states)");
        await primary.ExecuteAsync($"UPDATE detectors SET updated_at = now() WHERE detector_id = '{poison}'");
        Assert.Equal(3L, (await Outbox(primary).DepthAsync(ct)).Entries);
        batch = await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 10_000, 5, backoff, ct);
        Assert.Equal((1, 1, 0), (batch.Entries, batch.Documents, batch.Refused));
        Assert.Equal(2L, (await Outbox(primary).DepthAsync(ct)).Entries);
        Assert.Equal(1, await primary.ScalarAsync<int>($"SELECT attempts FROM change_relay_failures WHERE document_id = '{poison}'"));

        // At its end: tried again (refused again: the second delay is twice the first, and not over a tick before).
        clock.Advance(Tick);
        Assert.Equal(backoff.RetryAt(refusedAt, 1), clock.GetUtcNow());
        batch = await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 10_000, 5, backoff, ct);
        Assert.Equal((2, 1), (batch.Entries, batch.Refused));
        Assert.Equal(2, await primary.ScalarAsync<int>($"SELECT attempts FROM change_relay_failures WHERE document_id = '{poison}'"));
        var refusedAgainAt = clock.GetUtcNow();
        clock.Advance(backoff.DelayAfter(2) - Tick);
        Assert.Equal(0, (await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 10_000, 5, backoff, ct)).Entries);
        clock.Advance(Tick);
        Assert.Equal(backoff.RetryAt(refusedAgainAt, 2), clock.GetUtcNow());
        // (The refusal put the key's two entries back as one.)
        batch = await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, 10_000, 5, backoff, ct);
        Assert.Equal((1, 1), (batch.Entries, batch.Refused));
        Assert.Equal(3, await primary.ScalarAsync<int>($"SELECT attempts FROM change_relay_failures WHERE document_id = '{poison}'"));

        // A drain (start-up, tools) does not wait: it tries until the key is applied or dead-lettered.
        await secondary.ExecuteAsync("ALTER TABLE detectors DROP CONSTRAINT refuse_poison");
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, 10_000, 5, ct);
        Assert.Equal(0L, (await Outbox(primary).DepthAsync(ct)).Entries);
        Assert.All(await CompareAsync(primary, secondary), r => Assert.True(r.Equal, r.Collection));
    }

    [Fact]
    public async Task A_refused_key_s_wait_starts_when_the_batch_settles_after_a_slow_apply_not_when_the_relay_began()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = RelayClock();
        await using var primary = await PostgresEndpoint.CreateAsync(clock: clock);
        await Outbox(primary).SetCaptureAsync(true, ct);
        await new SyntheticDataset("tenant-slow", 2).WriteAsync(primary.Services, cancellationToken: ct);
        var poison = (await primary.ScalarAsync<string>("SELECT detector_id FROM detectors ORDER BY detector_id LIMIT 1"))!;
        var backoff = new RefusalBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
        var began = clock.GetUtcNow();
        // Each apply takes (fake) 10 s: the copy of a large batch; the poison key is refused.
        Task SlowApply(ChangeSet changes, CancellationToken _)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            return changes.Keys.Any(k => k.Id == poison) ? throw new ChangeRefusedException("refused", new InvalidOperationException()) : Task.CompletedTask;
        }

        Assert.Equal(1, (await Outbox(primary).RelayAsync(10_000, 5, backoff, SlowApply, ct)).Refused);
        var settledAt = clock.GetUtcNow();
        Assert.True(settledAt - began > backoff.First * 5, "the applies advanced the clock well past the back-off");

        // Measured from the relay's start, the wait would be long over; from the settlement it has a tick to go.
        clock.Advance(backoff.First - Tick);
        Assert.Equal(0, (await Outbox(primary).RelayAsync(10_000, 5, backoff, (_, _) => Task.CompletedTask, ct)).Entries);
        clock.Advance(Tick);
        Assert.Equal(backoff.RetryAt(settledAt, 1), clock.GetUtcNow());
        Assert.Equal(1, (await Outbox(primary).RelayAsync(10_000, 5, backoff, (_, _) => Task.CompletedTask, ct)).Documents);
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_relay_failures"));
    }

    [Fact]
    public async Task A_drain_claims_a_key_refused_by_an_instance_whose_clock_is_ahead()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = RelayClock();
        await using var primary = await PostgresEndpoint.CreateAsync(clock: clock);
        await Outbox(primary).SetCaptureAsync(true, ct);
        await new SyntheticDataset("tenant-skew", 2).WriteAsync(primary.Services, cancellationToken: ct);
        var poison = (await primary.ScalarAsync<string>("SELECT detector_id FROM detectors ORDER BY detector_id LIMIT 1"))!;
        Task RefusePoison(ChangeSet changes, CancellationToken _)
            => changes.Keys.Any(k => k.Id == poison) ? throw new ChangeRefusedException("refused", new InvalidOperationException()) : Task.CompletedTask;
        Assert.Equal(1, (await Outbox(primary).RelayAsync(10_000, 5, RefusalBackoff.Default, RefusePoison, ct)).Refused);
        // The refusal was stamped by another instance whose clock is 2 s ahead of this relay's.
        await primary.ExecuteAsync("UPDATE change_relay_failures SET last_failed_at = last_failed_at + interval '2 seconds'");

        // A relay with back-off leaves it (its wait, on the other clock, has not passed); a drain does not wait at all.
        Assert.Equal(0, (await Outbox(primary).RelayAsync(10_000, 5, RefusalBackoff.Default, (_, _) => Task.CompletedTask, ct)).Entries);
        var applied = new List<ChangeKey>();
        Task Record(ChangeSet changes, CancellationToken _) { applied.AddRange(changes.Keys); return Task.CompletedTask; }
        Assert.Equal(1, (await Outbox(primary).RelayAsync(10_000, 5, RefusalBackoff.None, Record, ct)).Documents);
        Assert.Equal(poison, Assert.Single(applied).Id);
        Assert.Equal(0L, (await Outbox(primary).DepthAsync(ct)).Entries);
    }

    [Fact]
    public void The_back_off_doubles_from_the_first_delay_up_to_the_maximum()
    {
        var backoff = new RefusalBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(a => backoff.DelayAfter(a).TotalSeconds));
        Assert.Equal(TimeSpan.Zero, RefusalBackoff.None.DelayAfter(3));
        Assert.Equal(TimeSpan.FromSeconds(60), RefusalBackoff.Default.DelayAfter(1000));
        var refusedAt = new DateTimeOffset(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal(refusedAt.AddSeconds(4), backoff.RetryAt(refusedAt, 3));
        Assert.True(backoff.IsWaiting(refusedAt, 3, refusedAt.AddSeconds(4) - Tick));
        Assert.False(backoff.IsWaiting(refusedAt, 3, refusedAt.AddSeconds(4)));
        Assert.False(RefusalBackoff.None.IsWaiting(refusedAt, 3, refusedAt));
    }

    [Fact]
    public async Task A_failure_record_committed_after_the_claim_is_cleared_when_the_key_is_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        var (primary, secondary) = await PairAsync("tenant-late-letter", 2);
        await using var _p = primary;
        await using var _s = secondary;

        // Another relay dead-letters a key and commits after this relay's claim read the failures (its snapshot
        // predates the key locks it waited for); this relay then applies the key.
        ChangeKey? late = null;
        var batch = await Outbox(primary).RelayAsync(Batch, 3, async (changes, _) =>
        {
            if (late is not null) return;
            var key = changes.Keys.First();
            late = key;
            await primary.ExecuteAsync($"""
                INSERT INTO change_relay_failures (collection, tenant_id, document_id, attempts, error, first_changed_at, last_failed_at, dead_lettered_at)
                VALUES ('{key.Collection}', '{key.TenantId}', '{key.Id}', 3, 'refused', now(), now(), now())
                """);
        }, ct);

        Assert.NotNull(late);
        Assert.Equal(0, batch.Refused);
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_relay_failures"));
        Assert.Equal(0L, (await Outbox(primary).DepthAsync(ct)).DeadLetters);
    }

    [Fact]
    public async Task A_secondary_that_fails_to_answer_removes_nothing_and_counts_no_attempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var (primary, secondary) = await PairAsync("tenant-down", 5);
        await using var _p = primary;
        await using var _s = secondary;
        var before = await Outbox(primary).DepthAsync(ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Outbox(primary).RelayAsync(Batch, 1,
            (_, _) => throw new InvalidOperationException("the secondary is down"), ct));

        // The claim deleted the entries inside the batch's transaction: the failure gave every one of them back.
        var after = await Outbox(primary).DepthAsync(ct);
        Assert.Equal((before.Entries, 0L), (after.Entries, after.DeadLetters));
        Assert.Equal(0L, await primary.ScalarAsync<long>("SELECT count(*) FROM change_relay_failures"));
    }

    [Fact]
    public async Task Templates_rotating_their_unique_names_between_two_batches_are_applied_in_one_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        var (primary, secondary) = await PairAsync("tenant-swap", 60);
        await using var _p = primary;
        await using var _s = secondary;
        // Three templates of one user, named A, B and C (the unique key is tenant, user, name).
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add((await primary.ScalarAsync<string>($"SELECT template_id FROM investigation_templates ORDER BY template_id OFFSET {i} LIMIT 1"))!);
        await primary.ExecuteAsync($"""
            UPDATE investigation_templates SET user_id = 'rotator', name = 'A', updated_at = now() WHERE template_id = '{ids[0]}';
            UPDATE investigation_templates SET user_id = 'rotator', name = 'B', updated_at = now() WHERE template_id = '{ids[1]}';
            UPDATE investigation_templates SET user_id = 'rotator', name = 'C', updated_at = now() WHERE template_id = '{ids[2]}';
            """);
        await ChangeRelaying.DrainAsync(Outbox(primary), secondary.Services, Batch, ct);

        // A→B, B→C, C→A through a free name, as three API renames would, all before the next batch.
        await primary.ExecuteAsync($"""
            UPDATE investigation_templates SET name = 'spare', updated_at = now() WHERE template_id = '{ids[2]}';
            UPDATE investigation_templates SET name = 'C', updated_at = now() WHERE template_id = '{ids[1]}';
            UPDATE investigation_templates SET name = 'B', updated_at = now() WHERE template_id = '{ids[0]}';
            UPDATE investigation_templates SET name = 'A', updated_at = now() WHERE template_id = '{ids[2]}';
            """);
        var batch = await ChangeRelaying.RelayOnceAsync(Outbox(primary), secondary.Services, Batch, maxAttempts: 1, ct);

        Assert.Equal((0, 0), (batch.Refused, batch.DeadLettered));
        Assert.Equal(3, batch.Documents);
        Assert.Equal("B,C,A", await secondary.ScalarAsync<string>(
            $"SELECT string_agg(name, ',' ORDER BY array_position(ARRAY['{ids[0]}','{ids[1]}','{ids[2]}'], template_id)) FROM investigation_templates WHERE user_id = 'rotator'"));
        var depth = await Outbox(primary).DepthAsync(ct);
        Assert.Equal((0L, 0L), (depth.Entries, depth.DeadLetters));
        Assert.All(await CompareAsync(primary, secondary), r => Assert.True(r.Equal, r.Collection));
    }
}
