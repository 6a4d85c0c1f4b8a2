using Npgsql;
using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Persistence.Postgres;

namespace Olorin.Migration.Tests;

/// <summary>
/// The order in which a copy makes documents visible on the target: a reader of the target during the copy never
/// sees a document of a collection before every collection it refers to (<see cref="MigrationCollection.References"/>,
/// among those copied) is complete there — whether the collection waited for them (the portable path) or started
/// before them with its rows held in one uncommitted load (the raw path). Watched by a reader polling the target's
/// counts, one snapshot per query, all through the copy.
/// </summary>
public sealed class ReferenceOrderTests(RawCopyFixture fixture) : IClassFixture<RawCopyFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void The_references_name_copied_collections_and_form_no_cycle()
    {
        var names = MigrationCollections.Names.ToHashSet();
        Assert.All(MigrationCollections.All, c => Assert.All(c.References, r => Assert.Contains(r, names)));
        var placed = new List<string>();
        var left = MigrationCollections.All.ToList();
        while (left.Count > 0)
        {
            var next = left.FirstOrDefault(c => c.References.All(placed.Contains));
            Assert.True(next is not null, $"a cycle among: {string.Join(", ", left.Select(c => c.Name))}");
            placed.Add(next.Name);
            left.Remove(next);
        }
        // What the Core models name (the anomaly's run, detector and investigation; a SOAR execution's anomaly; ...).
        Assert.Equal(["investigations", "detectors", "detection_runs"], Collection("anomaly_events").References);
        Assert.Equal(["investigations", "anomaly_events"], Collection("soar_playbook_executions").References);
        Assert.Equal(["composio_connections", "soar_playbook_executions"], Collection("composio_action_audits").References);
    }

    [Fact]
    public void The_collections_carrying_embeddings_start_right_after_what_they_refer_to()
    {
        var schedule = new CopySchedule(MigrationCollections.All, holding: true);
        Assert.Equal(
            ["investigations", "detectors", "detection_runs", "anomaly_events", "templates", "transaction_scores", "audit_log",
             "composio_connections", "composio_action_audits", "soar_playbook_executions"],
            schedule.StartOrder.Select(i => MigrationCollections.All[i].Name));
        // Without held loads a collection waits for its references: the first to start are those that refer to none.
        var waiting = new CopySchedule(MigrationCollections.All, holding: false);
        Assert.Equal("investigations", MigrationCollections.All[waiting.Next()].Name);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(true, 4)]
    [InlineData(false, 2)]
    public async Task No_document_is_visible_before_the_collections_it_refers_to_are_complete(bool raw, int parallelism)
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        // With four slots the anomalies start beside the investigations. Whether they start before the investigations'
        // 120 rows are all copied would otherwise be a race between the anomalies' preparation and that copy (lost
        // about once in ten runs on two busy cores), so the investigations are held back (their source table locked)
        // until the anomalies have started: a schedule that made the anomalies wait for them would never start them.
        var holdInvestigations = raw && parallelism >= 4;
        var anomaliesStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new RecordingObserver { After = (collection, e) => { if (collection == "anomaly_events" && e == "started") anomaliesStarted.TrySetResult(); } };
        await using var watch = await VisibilityWatch.StartAsync(fixture.Source, target, MigrationCollections.All);
        Task<IReadOnlyList<CollectionCopyResult>> copying;
        await using (var blocker = holdInvestigations ? await LockedAsync(fixture.Source, "investigation_states") : null)
        {
            copying = new CopyEngine(fixture.Source.Endpoint, target.Endpoint,
                    new CopyOptions { BatchSize = 10, RawBatchSize = 10, RawRows = raw, Parallelism = parallelism }, events)
                .CopyAsync(MigrationCollections.All, Cancel);
            // A copy that fails meanwhile ends the wait too: its own error is then the one the test reports.
            if (holdInvestigations) await Task.WhenAny(anomaliesStarted.Task, copying).WaitAsync(TimeSpan.FromMinutes(2), Cancel);
        }
        var copied = await copying;
        await watch.StopAsync();

        Assert.All(copied, c => Assert.Equal((c.Collection, c.SourceCount), (c.Collection, c.Copied)));
        Assert.All(copied, c => Assert.Equal((c.Collection, raw), (c.Collection, c.Raw)));
        Assert.Empty(watch.Violations);
        Assert.True(watch.PartialSnapshots > 0, $"the watch saw no copy in progress ({watch.Snapshots} snapshots)");
        var log = events.Log;
        var anomaliesStart = log.FindIndex(e => e == ("anomaly_events", "started"));
        var investigationsEnd = log.FindLastIndex(e => e.Collection == "investigations");
        if (!raw)
            Assert.True(anomaliesStart > investigationsEnd, string.Join(", ", log));
        else if (holdInvestigations)
            // Held: the anomalies (the longest tail, their vector graph) start beside the investigations, before they
            // are complete (four slots: the investigations, detectors, runs and anomalies all start at once).
            Assert.True(anomaliesStart < investigationsEnd, string.Join(", ", log));
    }

    [Theory]
    [InlineData("soar_playbook_executions", "investigations")]
    [InlineData("anomaly_events")]
    [InlineData("composio_action_audits", "soar_playbook_executions", "anomaly_events", "detection_runs")]
    public async Task A_subset_waits_only_for_the_collections_selected_with_it(params string[] names)
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        var selected = MigrationCollections.Select(names);
        await using var watch = await VisibilityWatch.StartAsync(fixture.Source, target, selected);
        var copied = await new CopyEngine(fixture.Source.Endpoint, target.Endpoint, new CopyOptions { RawBatchSize = 10 }, new QuietObserver())
            .CopyAsync(selected, Cancel);
        await watch.StopAsync();

        Assert.Equal(selected.Select(c => c.Name), copied.Select(c => c.Collection));
        Assert.All(copied, c => Assert.Equal((c.Collection, c.SourceCount), (c.Collection, c.Copied)));
        Assert.Empty(watch.Violations);
        foreach (var other in MigrationCollections.All.Where(c => !names.Contains(c.Name)))
            Assert.Equal(0, await target.ScalarAsync<long>($"SELECT count(*) FROM {PostgresCollectionTables.ByCollection[other.Name]}"));
    }

    [Fact]
    public async Task A_held_batch_the_target_refuses_is_rolled_back_and_copied_again_after_its_references_with_the_refused_document_named()
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        var refused = fixture.Dataset.AnomalyId(17);
        await target.ExecuteAsync($"ALTER TABLE anomaly_events ADD CONSTRAINT ck_refuse_one CHECK (anomaly_id <> '{refused}')");
        var selected = MigrationCollections.Select(["investigations", "detectors", "detection_runs", "anomaly_events"]);
        await using var watch = await VisibilityWatch.StartAsync(fixture.Source, target, selected);
        // The investigations are held back (their source table locked) until the anomalies have started, so that the
        // anomalies start before their references are complete, whatever the machine's speed.
        var anomaliesStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new RecordingObserver { After = (collection, e) => { if (collection == "anomaly_events" && e == "started") anomaliesStarted.TrySetResult(); } };
        Task<IReadOnlyList<CollectionCopyResult>> copying;
        await using (var blocker = await LockedAsync(fixture.Source, "investigation_states"))
        {
            copying = new CopyEngine(fixture.Source.Endpoint, target.Endpoint, new CopyOptions { RawBatchSize = 10, Parallelism = 4 }, events).CopyAsync(selected, Cancel);
            await anomaliesStarted.Task.WaitAsync(TimeSpan.FromMinutes(2), Cancel);
        }
        var copied = await copying;
        await watch.StopAsync();

        var anomalies = Assert.Single(copied, c => c.Collection == "anomaly_events");
        Assert.True(anomalies.Raw);
        Assert.Equal((1, anomalies.SourceCount - 1), (anomalies.Failed, anomalies.Copied));
        Assert.Equal(refused, Assert.Single(anomalies.Failures).Key.Id);
        Assert.Equal(anomalies.SourceCount - 1, await target.ScalarAsync<long>("SELECT count(*) FROM anomaly_events"));
        // Started held, undone at the refused batch, started again once its references were complete.
        Assert.Equal(2, events.Log.Count(e => e == ("anomaly_events", "started")));
        Assert.Empty(watch.Violations);
    }

    [Fact]
    public async Task A_run_stopped_while_rows_are_held_leaves_none_of_them_and_the_rerun_completes()
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        // The investigations cannot be read from the source while another session holds this lock there (their
        // preparation waits for it, so they cannot complete); the run is stopped at the anomalies' second held batch.
        await using var watch = await VisibilityWatch.StartAsync(fixture.Source, target, MigrationCollections.All);
        await using (var blocker = await LockedAsync(fixture.Source, "investigation_states"))
        {
            var events = new RecordingObserver { After = (collection, e) => { if (collection == "anomaly_events" && e == "progress 20") stop.Cancel(); } };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                new CopyEngine(fixture.Source.Endpoint, target.Endpoint, new CopyOptions { RawBatchSize = 10 }, events).CopyAsync(MigrationCollections.All, stop.Token));
            await watch.StopAsync();
            Assert.Empty(watch.Violations);
            Assert.Contains(("anomaly_events", "progress 20"), events.Log);
        }
        Assert.Equal(0, await target.ScalarAsync<long>("SELECT count(*) FROM investigation_states"));
        Assert.Equal(0, await target.ScalarAsync<long>("SELECT count(*) FROM anomaly_events"));

        var rerun = await new CopyEngine(fixture.Source.Endpoint, target.Endpoint, new CopyOptions { RawBatchSize = 10 }, new QuietObserver())
            .CopyAsync(MigrationCollections.All, Cancel);
        Assert.All(rerun, c => Assert.Equal((c.Collection, c.SourceCount), (c.Collection, c.Copied)));
        foreach (var table in PostgresToPostgresMigrationTests.Tables)
            Assert.Equal(await fixture.Source.ScalarAsync<long>($"SELECT count(*) FROM {table}"), await target.ScalarAsync<long>($"SELECT count(*) FROM {table}"));
        Assert.Equal(await IndexesAsync(fixture.Source), await IndexesAsync(target));
    }

    private static Task<string?> IndexesAsync(PostgresEndpoint database)
        => database.ScalarAsync<string>("SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> 'olorin_migration_state'");

    /// <summary>A session holding an ACCESS EXCLUSIVE lock on the table until it is disposed (its transaction rolled back).</summary>
    private static async Task<NpgsqlConnection> LockedAsync(PostgresEndpoint database, string table)
    {
        var blocker = new NpgsqlConnection(database.ConnectionString);
        await blocker.OpenAsync(Cancel);
        await using var begin = new NpgsqlCommand($"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", blocker);
        await begin.ExecuteNonQueryAsync(Cancel);
        return blocker;
    }

    private static MigrationCollection Collection(string name) => MigrationCollections.All.Single(c => c.Name == name);

    /// <summary>
    /// A reader of the target polling, one snapshot per query, how many documents each collection holds: a collection
    /// with any document while a collection it refers to holds fewer than the source is a violation.
    /// </summary>
    private sealed class VisibilityWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly List<string> violations = [];
        private Task polling = Task.CompletedTask;

        public IReadOnlyList<string> Violations => violations;
        public int Snapshots { get; private set; }

        /// <summary>Snapshots in which some collection held documents and some selected one did not yet hold them all.</summary>
        public int PartialSnapshots { get; private set; }

        public static async Task<VisibilityWatch> StartAsync(PostgresEndpoint source, PostgresEndpoint target, IReadOnlyList<MigrationCollection> selected)
        {
            var expected = new Dictionary<string, long>();
            foreach (var collection in selected)
                expected[collection.Name] = await source.ScalarAsync<long>($"SELECT count(*) FROM {PostgresCollectionTables.ByCollection[collection.Name]}");
            var watch = new VisibilityWatch();
            watch.polling = watch.PollAsync(target, selected, expected);
            return watch;
        }

        private async Task PollAsync(PostgresEndpoint target, IReadOnlyList<MigrationCollection> selected, Dictionary<string, long> expected)
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync();
            // One statement: every count from the same snapshot.
            await using var command = new NpgsqlCommand(
                "SELECT " + string.Join(", ", selected.Select(c => $"(SELECT count(*) FROM {PostgresCollectionTables.ByCollection[c.Name]})")), connection);
            while (!stop.IsCancellationRequested)
            {
                var counts = new Dictionary<string, long>();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    await reader.ReadAsync();
                    for (var i = 0; i < selected.Count; i++) counts[selected[i].Name] = reader.GetInt64(i);
                }
                Snapshots++;
                if (counts.Values.Any(n => n > 0) && counts.Any(c => c.Value < expected[c.Key])) PartialSnapshots++;
                foreach (var collection in selected.Where(c => counts[c.Name] > 0))
                    foreach (var reference in collection.References.Where(expected.ContainsKey))
                        if (counts[reference] < expected[reference])
                            violations.Add($"{collection.Name}: {counts[collection.Name]} visible while {reference} holds {counts[reference]} of {expected[reference]}");
            }
        }

        public async Task StopAsync()
        {
            await stop.CancelAsync();
            await polling;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            stop.Dispose();
        }
    }
}
