using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Migration.Raw;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

/// <summary>
/// Collections copied and verified concurrently (<see cref="CopyOptions.Parallelism"/>, <see cref="VerifyOptions.Parallelism"/>):
/// the end state, the rebuilt indexes and the verification are those of one collection at a time (the order in which
/// documents become visible: <see cref="ReferenceOrderTests"/>). The raw digest's row hash tells apart stored values
/// that PostgreSQL's type hashes equate.
/// </summary>
public sealed class ConcurrentMigrationTests(RawCopyFixture fixture) : IClassFixture<RawCopyFixture>
{
    private static readonly CancellationToken Cancel = CancellationToken.None;

    [Fact]
    public async Task Collections_copied_concurrently_end_in_the_state_and_catalog_of_a_serial_copy()
    {
        await using var serial = await PostgresEndpoint.CreateAsync();
        await using var concurrent = await PostgresEndpoint.CreateAsync();
        await new CopyEngine(fixture.Source.Endpoint, serial.Endpoint, new CopyOptions { RawBatchSize = 70, Parallelism = 1 }, new QuietObserver())
            .CopyAsync(MigrationCollections.All, Cancel);
        var copied = await new CopyEngine(fixture.Source.Endpoint, concurrent.Endpoint, new CopyOptions { RawBatchSize = 70, Parallelism = 4 }, new QuietObserver())
            .CopyAsync(MigrationCollections.All, Cancel);

        Assert.Equal(MigrationCollections.Names, copied.Select(c => c.Collection)); // results in the collections' order
        Assert.All(copied, c => Assert.Equal(c.SourceCount, c.Copied));
        Assert.Contains(copied, c => c.IndexBuild > TimeSpan.Zero); // indexes were set aside and rebuilt
        Assert.Equal(await StateAsync(serial), await StateAsync(concurrent));
        Assert.Equal(await IndexesAsync(serial), await IndexesAsync(concurrent));

        var verified = await new Verifier(fixture.Source.Endpoint, concurrent.Endpoint, new VerifyOptions { Parallelism = 4 }, new QuietObserver())
            .VerifyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);
        Assert.Equal(MigrationCollections.Names, verified.Select(v => v.Collection));
        Assert.All(verified, v => Assert.True(v.Equal && v.Raw, v.Collection));
    }

    [Fact]
    public async Task Differences_in_collections_verified_at_the_same_time_are_each_named()
    {
        await using var target = await PostgresEndpoint.CreateAsync();
        await new CopyEngine(fixture.Source.Endpoint, target.Endpoint, new CopyOptions(), new QuietObserver()).CopyAsync(MigrationCollections.All, Cancel);
        var investigation = fixture.Dataset.InvestigationId(7);
        await target.ExecuteAsync($"UPDATE investigation_states SET progress = jsonb_set(progress, '{{progress_percentage}}', '7.0') WHERE investigation_id = '{investigation}'");
        await target.ExecuteAsync($"DELETE FROM detectors WHERE detector_id = '{fixture.Dataset.TenantId}-det-00003'");

        var results = await new Verifier(fixture.Source.Endpoint, target.Endpoint, new VerifyOptions { Parallelism = 10 }, new QuietObserver())
            .VerifyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);
        var different = Assert.Single(Assert.Single(results, r => r.Collection == "investigations").Mismatches);
        Assert.Equal((MismatchKinds.Different, investigation), (different.Kind, different.Id));
        Assert.Contains(different.Fields, f => f.Path == "progress.progress_percentage");
        var missing = Assert.Single(Assert.Single(results, r => r.Collection == "detectors").Mismatches);
        Assert.Equal((MismatchKinds.Missing, $"{fixture.Dataset.TenantId}-det-00003"), (missing.Kind, missing.Id));
        Assert.All(results.Where(r => r.Collection is not ("investigations" or "detectors")), r => Assert.True(r.Equal, r.Collection));
    }

    [Theory]
    [InlineData("0", "'-0'", "{\"a\": 1}", "{\"a\": 1}")] // float hash: 0 = -0
    [InlineData("0.5", "0.5", "{\"a\": 1}", "{\"a\": 1.0}")] // jsonb hash: 1 = 1.0 (the canonical form keeps integer and double apart)
    public async Task The_raw_digest_tells_apart_stored_values_that_type_hashes_equate(string sourceScore, string targetScore, string sourceJson, string targetJson)
    {
        await using var source = await PostgresEndpoint.CreateAsync();
        await using var target = await PostgresEndpoint.CreateAsync();
        const string Insert = "INSERT INTO transaction_scores (tenant_id, investigation_id, transaction_id, risk_score, score_components, created_at) VALUES ('t', 'i', 'x', {0}::float8, '{1}', '2026-12-02T10:00:00Z')";
        await source.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Insert, sourceScore, sourceJson));
        await target.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Insert, targetScore, targetJson));
        var scores = MigrationCollections.Select(["transaction_scores"])[0];
        var raw = await RawPath.FindAsync(source.Endpoint, target.Endpoint, scores, Cancel);
        Assert.NotNull(raw);
        var (left, right) = (await raw.Source.DigestAsync(scores.Name, null, null, Cancel), await raw.Target.DigestAsync(scores.Name, null, null, Cancel));
        Assert.Equal(1, left.Count);
        Assert.NotEqual(left.Digest, right.Digest);

        await target.ExecuteAsync($"UPDATE transaction_scores SET risk_score = {sourceScore}::float8, score_components = '{sourceJson}'");
        Assert.Equal(left.Digest, (await raw.Target.DigestAsync(scores.Name, null, null, Cancel)).Digest);
    }

    private static async Task<List<string>> StateAsync(PostgresEndpoint database)
    {
        var digests = new List<string>();
        foreach (var table in PostgresToPostgresMigrationTests.Tables)
            // change_xid: the writing transaction's id, stamped by each database's own trigger (never copied).
            digests.Add($"{table}:{await database.ScalarAsync<string>($"SELECT md5(string_agg((to_jsonb(t) - 'change_xid')::text, E'\\n' ORDER BY (to_jsonb(t) - 'change_xid')::text)) FROM {table} t")}");
        return digests;
    }

    private static Task<string?> IndexesAsync(PostgresEndpoint database)
        => database.ScalarAsync<string>("SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = current_schema()");
}
