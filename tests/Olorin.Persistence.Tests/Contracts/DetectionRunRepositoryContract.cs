using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Transitions;
using Olorin.Persistence.Tests.Infrastructure;

namespace Olorin.Persistence.Tests.Contracts;

public abstract class DetectionRunRepositoryContract(IBackendFixture backend) : ContractTests(backend)
{
    private IDetectionRunRepository Runs => Repo<IDetectionRunRepository>();

    [Fact]
    public async Task Create_stores_every_field_and_Get_reads_it_back()
    {
        var run = FullRun(Tenant);

        var created = (await Runs.CreateAsync(run, Ct)).Value;

        var stored = await Runs.GetAsync(Tenant, run.RunId, Ct);
        AssertSameDocument(created, stored);
        Assert.Equal(DetectionRunStatus.Failed, stored!.Metadata.Status);
        Assert.Equal(DateTimeKind.Utc, stored.Window.From.Kind);
        Assert.Equal("shard-2", (string?)stored.Info.AdditionalInfo["where"]!["shard"]);
        // Members the model does not know are kept as sent, number kinds included (Decision 12).
        AssertKeptAsSent(Unknown("window"), stored.Window.UnknownMembers);
        AssertKeptAsSent(Unknown("info"), stored.Info.UnknownMembers);
    }

    [Fact]
    public async Task Create_with_a_taken_id_is_Duplicate_in_the_same_tenant_but_another_tenant_may_use_it()
    {
        var first = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;

        Assert.Equal(new Outcome<DetectionRun>.Duplicate("run_id"), await Runs.CreateAsync(NewRun(Tenant, first.RunId), Ct));
        // Ids are unique per tenant (Decision 4 revised): no existence oracle, no squatting on another tenant's ids.
        Assert.IsType<Outcome<DetectionRun>.Ok>(await Runs.CreateAsync(NewRun(OtherTenant, first.RunId), Ct));
        Assert.Equal(Tenant, (await Runs.GetAsync(Tenant, first.RunId, Ct))!.Metadata.TenantId);
        Assert.Equal(OtherTenant, (await Runs.GetAsync(OtherTenant, first.RunId, Ct))!.Metadata.TenantId);
    }

    [Fact]
    public async Task Get_is_null_for_a_missing_id_and_for_another_tenants_run()
    {
        var created = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;

        Assert.Null(await Runs.GetAsync(Tenant, NewId("missing"), Ct));
        Assert.Null(await Runs.GetAsync(OtherTenant, created.RunId, Ct));
    }

    [Fact]
    public async Task List_is_newest_started_first_then_run_id_and_pages()
    {
        var t0 = Now().AddHours(-2);
        await Runs.BulkUpsertAsync(
        [
            Stored(Tenant, "c", t0), Stored(Tenant, "b", t0.AddMinutes(5)), Stored(Tenant, "a", t0.AddMinutes(5)),
            Stored(Tenant, "d", t0.AddMinutes(9)), Stored(OtherTenant, "e", t0.AddMinutes(20)),
        ], Ct);

        var first = await Runs.ListAsync(Tenant, new DetectionRunQuery(), new PageRequest(1, 2), Ct);
        var second = await Runs.ListAsync(Tenant, new DetectionRunQuery(), new PageRequest(2, 2), Ct);

        Assert.Equal(Ids(Tenant, "d", "a"), first.Items.Select(r => r.RunId));
        Assert.Equal(Ids(Tenant, "b", "c"), second.Items.Select(r => r.RunId));
        Assert.Equal(4, first.TotalCount);
        Assert.True(first.HasNextPage);
        Assert.False(second.HasNextPage);
        Assert.Empty((await Runs.ListAsync(NewId("empty"), new DetectionRunQuery(), new PageRequest(), Ct)).Items);
    }

    [Fact]
    public async Task List_filters_by_detector_status_and_half_open_started_at_range()
    {
        var from = Now().AddHours(-3);
        var to = from.AddHours(1);
        var a = Stored(Tenant, "a", from);
        var b = Stored(Tenant, "b", to.AddMilliseconds(-1), "det-2", DetectionRunStatus.Failed);
        var c = Stored(Tenant, "c", to, "det-2");
        var d = Stored(Tenant, "d", from.AddMilliseconds(-1));
        var foreign = Stored(OtherTenant, "e", from.AddMinutes(1));
        await Runs.BulkUpsertAsync([a, b, c, d, foreign], Ct);

        async Task<IEnumerable<string>> Query(DetectionRunQuery q)
            => (await Runs.ListAsync(Tenant, q, new PageRequest(), Ct)).Items.Select(r => r.RunId).Order(StringComparer.Ordinal);

        Assert.Equal(Ids(Tenant, "a", "b"), await Query(new DetectionRunQuery(From: from, To: to)));
        Assert.Equal(Ids(Tenant, "b", "c"), await Query(new DetectionRunQuery(DetectorId: "det-2")));
        Assert.Equal(Ids(Tenant, "b"), await Query(new DetectionRunQuery(Status: DetectionRunStatus.Failed)));
        Assert.Equal(Ids(Tenant, "a", "c"), await Query(new DetectionRunQuery(From: from, Status: DetectionRunStatus.Success)));
        Assert.Equal(Ids(Tenant, "d"), await Query(new DetectionRunQuery(To: from)));
    }

    [Fact]
    public async Task UpdateStatus_moves_queued_to_running_and_records_progress_on_a_running_run()
    {
        var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;

        var running = (await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, null, Ct)).Value;
        var progress = new DetectionRunInfo { RecordsProcessed = 500, AdditionalInfo = new JsonObject { ["batch"] = 3 } };
        var withInfo = (await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, progress, Ct)).Value;

        Assert.Equal(DetectionRunStatus.Running, running.Metadata.Status);
        Assert.Equal(500, withInfo.Info.RecordsProcessed);
        var stored = await Runs.GetAsync(Tenant, run.RunId, Ct);
        AssertSameDocument(withInfo, stored);
        Assert.Null(stored!.FinishedAt);
    }

    [Fact]
    public async Task UpdateStatus_refuses_finishing_going_back_or_touching_a_finished_run()
    {
        var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;
        await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, null, Ct);

        Assert.IsType<Outcome<DetectionRun>.InvalidState>(await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Success, null, Ct));
        Assert.IsType<Outcome<DetectionRun>.InvalidState>(await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Queued, null, Ct));
        await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Success, Now(), new DetectionRunInfo(), Ct);
        Assert.IsType<Outcome<DetectionRun>.InvalidState>(await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, null, Ct));
        Assert.Equal(DetectionRunStatus.Success, (await Runs.GetAsync(Tenant, run.RunId, Ct))!.Metadata.Status);
    }

    [Fact]
    public async Task UpdateStatus_of_a_missing_or_foreign_run_is_NotFound()
    {
        var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;

        Assert.IsType<Outcome<DetectionRun>.NotFound>(await Runs.UpdateStatusAsync(Tenant, NewId("missing"), DetectionRunStatus.Running, null, Ct));
        Assert.IsType<Outcome<DetectionRun>.NotFound>(await Runs.UpdateStatusAsync(OtherTenant, run.RunId, DetectionRunStatus.Running, null, Ct));
        Assert.Equal(DetectionRunStatus.Queued, (await Runs.GetAsync(Tenant, run.RunId, Ct))!.Metadata.Status);
    }

    [Fact]
    public async Task Complete_records_finished_at_duration_and_info()
    {
        var run = NewRun(Tenant);
        run.Metadata.Status = DetectionRunStatus.Running;
        await Runs.CreateAsync(run, Ct);
        var info = new DetectionRunInfo { RecordsProcessed = 10_000, CohortsAnalyzed = 12, AnomaliesDetected = 3 };

        var completed = (await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Success, run.StartedAt.AddSeconds(90.5), info, Ct)).Value;

        Assert.Equal(DetectionRunStatus.Success, completed.Metadata.Status);
        Assert.Equal(run.StartedAt.AddSeconds(90.5), completed.FinishedAt);
        Assert.Equal(90_500, completed.DurationMs);
        Assert.Equal(3, completed.Info.AnomaliesDetected);
        AssertSameDocument(completed, await Runs.GetAsync(Tenant, run.RunId, Ct));
    }

    [Fact]
    public async Task Complete_never_records_a_negative_duration_and_a_queued_run_may_fail_directly()
    {
        var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;

        var failed = (await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Failed, run.StartedAt.AddSeconds(-5),
            new DetectionRunInfo { ErrorMessage = "source unavailable" }, Ct)).Value;

        Assert.Equal(DetectionRunStatus.Failed, failed.Metadata.Status);
        Assert.Equal(0, failed.DurationMs);
        Assert.Equal("source unavailable", failed.Info.ErrorMessage);
    }

    [Fact]
    public async Task Of_20_concurrent_completions_exactly_one_wins_and_the_others_get_the_Core_refusal()
    {
        for (var trial = 0; trial < 3; trial++)
        {
            var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;
            var at = run.StartedAt.AddMinutes(1);
            // Each call resolves its own repository (its own connection), like concurrent requests.
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Repo<IDetectionRunRepository>().CompleteAsync(
                Tenant, run.RunId, i % 2 == 0 ? DetectionRunStatus.Success : DetectionRunStatus.Failed, at, new DetectionRunInfo(), Ct), Ct)));

            var winner = Assert.Single(outcomes, o => o.IsOk).Value;
            var stored = (await Runs.GetAsync(Tenant, run.RunId, Ct))!;
            Assert.Equal(winner.Metadata.Status, stored.Metadata.Status);
            foreach (var lost in outcomes.Where(o => !o.IsOk))
            {
                var refusal = Assert.IsType<Outcome<DetectionRun>.InvalidState>(lost);
                Assert.True(refusal.Reason == DetectionRunTransitions.Refusal(run.RunId, stored.Metadata.Status, DetectionRunStatus.Success)
                            || refusal.Reason == DetectionRunTransitions.Refusal(run.RunId, stored.Metadata.Status, DetectionRunStatus.Failed), refusal.Reason);
            }
        }
    }

    [Fact]
    public async Task A_completion_racing_status_updates_is_never_undone()
    {
        var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;
        var calls = Enumerable.Range(0, 12).Select(i => Task.Run<object>(async () => i == 6
            ? await Repo<IDetectionRunRepository>().CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Success, run.StartedAt.AddMinutes(1), new DetectionRunInfo(), Ct)
            : await Repo<IDetectionRunRepository>().UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, null, Ct), Ct));
        await Task.WhenAll(calls);

        var stored = (await Runs.GetAsync(Tenant, run.RunId, Ct))!;
        Assert.Equal(DetectionRunStatus.Success, stored.Metadata.Status);
        Assert.NotNull(stored.FinishedAt);
        Assert.Equal(new Outcome<DetectionRun>.InvalidState(DetectionRunTransitions.Refusal(run.RunId, DetectionRunStatus.Success, DetectionRunStatus.Running)),
            await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, null, Ct));
    }

    [Fact]
    public async Task Refusals_are_the_Core_texts()
    {
        var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;
        var at = run.StartedAt.AddMinutes(1);
        Assert.Equal(new Outcome<DetectionRun>.InvalidState(DetectionRunTransitions.NotACompletion(DetectionRunStatus.Running)),
            await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Running, at, new DetectionRunInfo(), Ct));
        Assert.Equal(new Outcome<DetectionRun>.InvalidState(DetectionRunTransitions.NotAStatusUpdate(DetectionRunStatus.Success)),
            await Runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Success, null, Ct));
        await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Failed, at, new DetectionRunInfo(), Ct);
        Assert.Equal(new Outcome<DetectionRun>.InvalidState($"Run {run.RunId} is already failed; it cannot move to success."),
            await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Success, at, new DetectionRunInfo(), Ct));
    }

    [Fact]
    public async Task Complete_refuses_a_finished_run_a_non_final_status_and_other_tenants()
    {
        var run = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;
        var at = run.StartedAt.AddMinutes(1);

        Assert.IsType<Outcome<DetectionRun>.InvalidState>(await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Running, at, new DetectionRunInfo(), Ct));
        Assert.IsType<Outcome<DetectionRun>.NotFound>(await Runs.CompleteAsync(OtherTenant, run.RunId, DetectionRunStatus.Success, at, new DetectionRunInfo(), Ct));
        Assert.IsType<Outcome<DetectionRun>.NotFound>(await Runs.CompleteAsync(Tenant, NewId("missing"), DetectionRunStatus.Success, at, new DetectionRunInfo(), Ct));
        Assert.True((await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Success, at, new DetectionRunInfo(), Ct)).IsOk);
        Assert.IsType<Outcome<DetectionRun>.InvalidState>(await Runs.CompleteAsync(Tenant, run.RunId, DetectionRunStatus.Failed, at.AddMinutes(1), new DetectionRunInfo(), Ct));
        Assert.Equal(60_000, (await Runs.GetAsync(Tenant, run.RunId, Ct))!.DurationMs);
    }

    [Fact]
    public async Task GetStats_counts_per_status_and_takes_nearest_rank_percentiles_of_durations()
    {
        var t0 = Now().AddHours(-1);
        var runs = Enumerable.Range(1, 10)
            .Select(i => Stored(Tenant, $"ok-{i}", t0.AddMinutes(i), durationMs: i * 10))
            .Append(Stored(Tenant, "failed", t0, status: DetectionRunStatus.Failed, durationMs: 1_000))
            .Append(Stored(Tenant, "queued", t0, status: DetectionRunStatus.Queued))
            .Append(Stored(OtherTenant, "foreign", t0, durationMs: 99_999))
            .ToList();
        await Runs.BulkUpsertAsync(runs, Ct);

        var all = await Runs.GetStatsAsync(Tenant, new DetectionRunQuery(), Ct);
        var successes = await Runs.GetStatsAsync(Tenant, new DetectionRunQuery(Status: DetectionRunStatus.Success), Ct);

        Assert.Equal(12, all.Total);
        Assert.Equal(new Dictionary<DetectionRunStatus, long>
        {
            [DetectionRunStatus.Success] = 10, [DetectionRunStatus.Failed] = 1, [DetectionRunStatus.Queued] = 1,
        }, all.CountByStatus);
        // Durations 10..100 and 1000 (the queued run has none): nearest rank of 11 values.
        Assert.Equal(60, all.DurationP50Ms);
        Assert.Equal(1_000, all.DurationP95Ms);
        Assert.Equal(1_000, all.DurationP99Ms);
        Assert.Equal((550 + 1_000) / 11.0, all.DurationAvgMs!.Value, 6);

        Assert.Equal(10, successes.Total);
        Assert.Equal(50, successes.DurationP50Ms);
        Assert.Equal(100, successes.DurationP95Ms);
        Assert.Equal(100, successes.DurationP99Ms);
        Assert.Equal(55, successes.DurationAvgMs!.Value, 6);
    }

    [Fact]
    public async Task GetStats_honours_detector_and_time_range_and_is_empty_without_runs()
    {
        var t0 = Now().AddHours(-1);
        await Runs.BulkUpsertAsync(
        [
            Stored(Tenant, "a", t0, detectorId: "det-x", durationMs: 5),
            Stored(Tenant, "b", t0.AddMinutes(10), detectorId: "det-x", durationMs: 7),
            Stored(Tenant, "c", t0.AddMinutes(20), detectorId: "det-y", durationMs: 9),
            Stored(Tenant, "d", t0.AddMinutes(30), detectorId: "det-x", status: DetectionRunStatus.Running),
        ], Ct);

        var detector = await Runs.GetStatsAsync(Tenant, new DetectionRunQuery(DetectorId: "det-x"), Ct);
        var window = await Runs.GetStatsAsync(Tenant, new DetectionRunQuery(From: t0.AddMinutes(10), To: t0.AddMinutes(30)), Ct);
        var none = await Runs.GetStatsAsync(OtherTenant, new DetectionRunQuery(), Ct);
        var noDurations = await Runs.GetStatsAsync(Tenant, new DetectionRunQuery(Status: DetectionRunStatus.Running), Ct);

        Assert.Equal(3, detector.Total);
        Assert.Equal(5, detector.DurationP50Ms);
        Assert.Equal(7, detector.DurationP99Ms);
        Assert.Equal(2, window.Total);
        Assert.Equal(7, window.DurationP50Ms);
        Assert.Equal(8, window.DurationAvgMs);
        Assert.Equal(0, none.Total);
        Assert.Empty(none.CountByStatus);
        Assert.Null(none.DurationP50Ms);
        Assert.Null(none.DurationAvgMs);
        Assert.Equal(1, noDurations.Total);
        Assert.Null(noDurations.DurationP95Ms);
        Assert.Null(noDurations.DurationAvgMs);
    }

    [Fact]
    public async Task Export_streams_every_tenant_in_ordinal_key_order_and_resumes_after_a_key()
    {
        await using var store = await Backend.CreateIsolatedStoreAsync();
        var repo = store.Repo<IDetectionRunRepository>();
        string[] ids = ["run-2", "run-10", "RUN-1", "run_1", "run-1"];
        await repo.BulkUpsertAsync(ids.Select((id, i) => { var r = Stored(i % 2 == 0 ? Tenant : OtherTenant, "", Now()); r.RunId = id; return r; }).ToList(), Ct);

        // Keys are (tenant_id, id), ordinal, tenant first.
        var keys = ids.Select((id, i) => new TenantKey(i % 2 == 0 ? Tenant : OtherTenant, id)).Order().ToList();
        var after = keys.Single(k => k.Id == "run-10");
        var all = await store.Repo<IDetectionRunRepository>().ExportAsync(default, Ct).ToListAsync(Ct);
        var resumed = await store.Repo<IDetectionRunRepository>().ExportAsync(after, Ct).ToListAsync(Ct);

        Assert.Equal(keys, all.Select(repo.KeyOf));
        Assert.Equal(keys.Where(k => k.CompareTo(after) > 0), resumed.Select(repo.KeyOf));
        Assert.Equal(ids.Length, await store.Repo<IDetectionRunRepository>().CountAllAsync(Ct));
    }

    [Fact]
    public async Task BulkUpsert_stores_documents_verbatim_and_replaces_an_existing_one()
    {
        var existing = (await Runs.CreateAsync(NewRun(Tenant), Ct)).Value;
        var replacement = FullRun(Tenant);
        replacement.RunId = existing.RunId;
        var added = Stored(OtherTenant, "added", new DateTime(2020, 1, 2, 3, 4, 5, 6, DateTimeKind.Utc), durationMs: 42);

        Assert.Equal(2, await Runs.BulkUpsertAsync([replacement, added], Ct));

        AssertSameDocument(replacement, await Runs.GetAsync(Tenant, existing.RunId, Ct));
        AssertSameDocument(added, await Runs.GetAsync(OtherTenant, added.RunId, Ct));
    }

    private static IEnumerable<string> Ids(string tenant, params string[] names) => names.Select(n => $"{tenant}:{n}");

    private static DetectionRun NewRun(string tenant, string? id = null)
    {
        var started = Now().AddMinutes(-10);
        return new DetectionRun
        {
            RunId = id ?? NewId("run"),
            Metadata = new DetectionRunMetadata { DetectorId = "det-1", TenantId = tenant },
            StartedAt = started,
            Window = new DetectionWindow { From = started.AddHours(-1), To = started },
        };
    }

    private static DetectionRun Stored(
        string tenant, string name, DateTime startedAt, string detectorId = "det-1",
        DetectionRunStatus status = DetectionRunStatus.Success, long? durationMs = null) => new()
    {
        RunId = $"{tenant}:{name}",
        Metadata = new DetectionRunMetadata { DetectorId = detectorId, TenantId = tenant, Status = status },
        StartedAt = startedAt,
        FinishedAt = durationMs is { } ms ? startedAt.AddMilliseconds(ms) : null,
        DurationMs = durationMs,
        Window = new DetectionWindow { From = startedAt.AddHours(-1), To = startedAt },
    };

    private static DetectionRun FullRun(string tenant)
    {
        var started = Now().AddMinutes(-30);
        return new DetectionRun
        {
            RunId = NewId("run"),
            Metadata = new DetectionRunMetadata { DetectorId = "det-9", DetectorType = "isoforest", TenantId = tenant, Status = DetectionRunStatus.Failed },
            StartedAt = started,
            FinishedAt = started.AddSeconds(12.345),
            DurationMs = 12_345,
            Window = new DetectionWindow { From = started.AddHours(-6), To = started, DurationHours = 6, UnknownMembers = Unknown("window") },
            Info = new DetectionRunInfo
            {
                RecordsProcessed = 1_234_567_890_123,
                CohortsAnalyzed = 40,
                AnomaliesDetected = 0,
                ErrorMessage = "timeout reading source",
                AdditionalInfo = new JsonObject { ["where"] = new JsonObject { ["shard"] = "shard-2" }, ["retries"] = 2 },
                UnknownMembers = Unknown("info"),
            },
        };
    }

}
