using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Migration.Seeding;
using Olorin.Migration.Raw;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

/// <summary>
/// The PostgreSQL → PostgreSQL raw path of the copy (binary COPY straight into a table a fresh load fills, otherwise
/// into a staging table and one upsert per batch): it ends in the state the portable path ends in, is idempotent,
/// upserts what a killed run wrote beyond its checkpoint, reports a document the target refuses by its id like the
/// portable path, and is not used when the two databases store a collection differently.
/// </summary>
public sealed class RawCopyTests(RawCopyFixture fixture) : IClassFixture<RawCopyFixture>
{
    private static readonly CancellationToken Cancel = CancellationToken.None;

    private static Task<IReadOnlyList<CollectionCopyResult>> CopyAsync(PostgresEndpoint from, PostgresEndpoint to, IReadOnlyList<MigrationCollection> collections, bool raw = true, bool restart = false)
        => new CopyEngine(from.Endpoint, to.Endpoint, new CopyOptions { BatchSize = 70, RawBatchSize = 70, RawRows = raw, Restart = restart }, new QuietObserver()).CopyAsync(collections, Cancel);

    [Fact]
    public async Task A_raw_copy_verifies_equal_through_the_canonical_form_and_a_second_one_changes_nothing()
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        var copied = await CopyAsync(fixture.Source, target, MigrationCollections.All);
        Assert.All(copied, c => Assert.True(c.Raw, c.Collection));
        Assert.All(copied, c => Assert.Equal(c.SourceCount, c.Copied));
        Assert.Equal(fixture.Dataset.ExpectedDocuments, copied.Sum(c => c.Copied));

        // Checked by the portable verifier (every document's canonical form), not by the raw digests.
        var verified = await new Verifier(fixture.Source.Endpoint, target.Endpoint, new VerifyOptions { RawRows = false, RangeSize = 100 }, new QuietObserver())
            .VerifyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);
        Assert.All(verified, v => Assert.True(v.Equal, v.Collection));

        var before = await DigestsAsync(target);
        var again = await CopyAsync(fixture.Source, target, MigrationCollections.All, restart: true);
        Assert.All(again, c => Assert.Equal(c.SourceCount, c.Copied));
        Assert.Equal(before, await DigestsAsync(target));
    }

    [Fact]
    public async Task After_a_raw_copy_the_raw_digests_of_both_sides_are_equal()
    {
        // Columns each database stamps for itself (anomaly_events.change_xid) must stay out of the raw plan: copied,
        // the target's trigger overwrites them; hashed, every range of the collection differs and is re-read.
        await using var target = await PostgresEndpoint.CreateAsync();
        await CopyAsync(fixture.Source, target, MigrationCollections.All);

        foreach (var collection in MigrationCollections.All)
        {
            var raw = await RawPath.FindAsync(fixture.Source.Endpoint, target.Endpoint, collection, TestContext.Current.CancellationToken);
            Assert.NotNull(raw);
            var source = await raw.Source.DigestAsync(collection.Name, null, null, TestContext.Current.CancellationToken);
            var copy = await raw.Target.DigestAsync(collection.Name, null, null, TestContext.Current.CancellationToken);
            Assert.True(source.Count > 0, collection.Name);
            Assert.Equal((collection.Name, source), (collection.Name, copy));
        }
    }

    [Fact]
    public async Task Rows_a_killed_run_wrote_beyond_its_checkpoint_are_upserted_on_the_rerun_not_duplicated()
    {
        // A fresh load copies straight into the table; a run killed between a batch's commit and its checkpoint left
        // rows beyond the checkpoint, which the rerun must upsert. Simulated: a complete copy, then its checkpoint
        // moved back to the end of the first batch, as if the run had been killed right after the second batch.
        await using var target = await PostgresEndpoint.CreateAsync();
        var scores = MigrationCollections.Select(["transaction_scores"]);
        var first = Assert.Single(await CopyAsync(fixture.Source, target, scores));
        Assert.True(first.Raw);
        Assert.True(first.Copied > 140, "at least two batches after the first");
        var before = await DigestsAsync(target);
        const string Key = "FROM transaction_scores ORDER BY tenant_id, investigation_id, transaction_id OFFSET 69 LIMIT 1";
        string[] firstBatchEnd =
        [
            (await fixture.Source.ScalarAsync<string>($"SELECT tenant_id {Key}"))!,
            (await fixture.Source.ScalarAsync<string>($"SELECT investigation_id {Key}"))!,
            (await fixture.Source.ScalarAsync<string>($"SELECT transaction_id {Key}"))!,
        ];
        var store = new Olorin.Migration.Checkpoints.CheckpointStore(target.Endpoint, CopyEngine.CheckpointKind);
        var checkpoint = await store.GetAsync("transaction_scores", Cancel);
        await store.PutAsync("transaction_scores", checkpoint! with
        {
            State = Olorin.Migration.Checkpoints.Checkpoint.Running, Cursor = scores[0].CursorOf(firstBatchEnd), Copied = 70,
        }, Cancel);

        var resumed = Assert.Single(await CopyAsync(fixture.Source, target, scores));
        Assert.True(resumed.Resumed);
        Assert.Equal(resumed.SourceCount, resumed.Copied);
        Assert.Equal(0, resumed.Failed);
        Assert.Equal(resumed.SourceCount, await target.ScalarAsync<long>("SELECT count(*) FROM transaction_scores"));
        Assert.Equal(before, await DigestsAsync(target));
    }

    [Fact]
    public async Task A_document_the_target_refuses_is_reported_by_id_and_the_others_are_copied()
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        var refused = $"{fixture.Dataset.TenantId}-det-00005";
        Assert.Equal(1, await fixture.Source.ScalarAsync<long>($"SELECT count(*) FROM detectors WHERE detector_id = '{refused}'"));
        await target.ExecuteAsync($"ALTER TABLE detectors ADD CONSTRAINT ck_refuse_one CHECK (detector_id <> '{refused}')");

        var result = Assert.Single(await CopyAsync(fixture.Source, target, MigrationCollections.Select(["detectors"])));
        Assert.True(result.Raw);
        Assert.Equal(1, result.Failed);
        Assert.Equal(result.SourceCount - 1, result.Copied);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(refused, failure.Key.Id);
        Assert.Contains("ck_refuse_one", failure.Error);
        Assert.Equal(result.SourceCount - 1, await target.ScalarAsync<long>("SELECT count(*) FROM detectors"));
    }

    [Fact]
    public async Task A_collection_stored_differently_on_the_target_goes_through_the_models()
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        await target.ExecuteAsync("ALTER TABLE detectors ALTER COLUMN name TYPE text");
        var result = Assert.Single(await CopyAsync(fixture.Source, target, MigrationCollections.Select(["detectors"])));
        Assert.False(result.Raw);
        Assert.Equal(result.SourceCount, result.Copied);
        var verified = Assert.Single(await new Verifier(fixture.Source.Endpoint, target.Endpoint, new VerifyOptions(), new QuietObserver())
            .VerifyAsync(MigrationCollections.Select(["detectors"]), TestContext.Current.CancellationToken));
        Assert.False(verified.Raw);
        Assert.True(verified.Equal);
    }

    private static async Task<List<string>> DigestsAsync(PostgresEndpoint database)
    {
        var digests = new List<string>();
        foreach (var table in PostgresToPostgresMigrationTests.Tables)
            digests.Add($"{table}:{await database.ScalarAsync<string>($"SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM {table} t")}");
        return digests;
    }
}

/// <summary>A small source shared by <see cref="RawCopyTests"/> (each test copies into a target of its own).</summary>
public sealed class RawCopyFixture : IAsyncLifetime
{
    public SyntheticDataset Dataset { get; } = new("tenant-raw", 120, seed: 5);
    public PostgresEndpoint Source { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Source = await PostgresEndpoint.CreateAsync();
        await Dataset.WriteAsync(Source.Services);
    }

    public async ValueTask DisposeAsync() => await Source.DisposeAsync();
}
