namespace Olorin.Migration.Tests;

/// <summary>
/// A migration killed with SIGKILL mid-collection (the CLI as a real process) that a rerun completes to an identical
/// state without duplicates; on about 7,900 documents in batches of 100, so the kill lands part-way. Both paths: the
/// PostgreSQL → PostgreSQL raw one (the default between two PostgreSQL databases) and the portable one (--portable).
/// </summary>
public sealed class KilledMigrationTests(SmallSeededSource source) : IClassFixture<SmallSeededSource>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_migration_killed_mid_collection_resumes_to_an_identical_state_without_duplicates(bool portable)
    {
        await using var target = await PostgresEndpoint.CreateAsync(migrate: false);
        string[] path = portable ? ["--portable"] : [];
        using (var doomed = CliProcess.Start(["migrate", "--from", source.Database.Url, "--to", target.Url, "--batch-size", "100", "--no-preflight", .. path]))
        {
            // Kill as soon as a collection is part-way through (its checkpoint says running with documents copied).
            var deadline = DateTime.UtcNow + PostgresToPostgresMigrationTests.Budget;
            while (!await PostgresToPostgresMigrationTests.PartWayAsync(target, anyCollection: !portable))
            {
                if (doomed.HasExited) Assert.Fail($"migrate finished before it could be killed: {await doomed.WaitAsync(TimeSpan.FromSeconds(5))}");
                Assert.True(DateTime.UtcNow < deadline, "migrate made no progress");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
            doomed.KillHard();
        }
        // The collection stopped part-way (documents copied): a collection prepared ahead of its turn also says running.
        var stoppedIn = await target.ScalarAsync<string>("SELECT name FROM olorin_migration_state WHERE state LIKE '%\"state\":\"running\"%' AND state NOT LIKE '%\"copied\":0,%' LIMIT 1");
        Assert.NotNull(stoppedIn);

        var rerun = await CliProcess.RunAsync(PostgresToPostgresMigrationTests.Budget, ["migrate", "--from", source.Database.Url, "--to", target.Url, "--json", "--no-preflight", .. path]);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var resumed = rerun.Json.GetProperty("collections").EnumerateArray().Single(c => "copy/" + c.GetProperty("collection").GetString() == stoppedIn);
        Assert.True(resumed.GetProperty("resumed").GetBoolean());
        Assert.Equal(portable ? "models" : "raw", resumed.GetProperty("path").GetString());

        var verify = await CliProcess.RunAsync(PostgresToPostgresMigrationTests.Budget, "verify-migration", "--from", source.Database.Url, "--to", target.Url, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        foreach (var table in PostgresToPostgresMigrationTests.Tables)
            Assert.Equal(await source.Database.ScalarAsync<long>($"SELECT count(*) FROM {table}"), await target.ScalarAsync<long>($"SELECT count(*) FROM {table}"));
    }
}
