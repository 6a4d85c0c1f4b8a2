namespace Olorin.Migration.Tests;

/// <summary>
/// A resumed run's rates count only the documents this run copied or compared: the saved tallies of earlier runs
/// (resumed or complete collections) stay in the totals but were done outside this run's clocks.
/// </summary>
public sealed class ResumedRunRateTests(SmallSeededSource source) : IClassFixture<SmallSeededSource>
{
    private static readonly TimeSpan Budget = PostgresToPostgresMigrationTests.Budget;

    [Fact]
    public async Task A_resumed_migrate_and_verify_report_rates_of_this_run_s_documents_only()
    {
        await using var target = await PostgresEndpoint.CreateAsync(migrate: false);
        var first = await CliProcess.RunAsync(Budget, "migrate", "--from", source.Database.Url, "--to", target.Url, "--json", "--no-preflight");
        Assert.True(first.ExitCode == 0, first.ToString());
        var totals = first.Json.GetProperty("totals");
        Assert.Equal(totals.GetProperty("copied").GetInt64(), totals.GetProperty("copied_this_run").GetInt64());

        // Every copy checkpoint back to running, its cursor and tallies kept: the rerun resumes each at its end.
        await target.ExecuteAsync("UPDATE olorin_migration_state SET state = replace(state, '\"state\":\"complete\"', '\"state\":\"running\"') WHERE name LIKE 'copy/%'");
        var resumed = await CliProcess.RunAsync(Budget, "migrate", "--from", source.Database.Url, "--to", target.Url, "--json", "--no-preflight");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        totals = resumed.Json.GetProperty("totals");
        Assert.All(resumed.Json.GetProperty("collections").EnumerateArray(), c => Assert.True(c.GetProperty("resumed").GetBoolean()));
        Assert.Equal(first.Json.GetProperty("totals").GetProperty("copied").GetInt64(), totals.GetProperty("copied").GetInt64());
        Assert.Equal(0, totals.GetProperty("copied_this_run").GetInt64());
        Assert.Equal(0, totals.GetProperty("docs_per_second").GetDouble());
        Assert.Equal(0, totals.GetProperty("command_docs_per_second").GetDouble());

        var verify = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Database.Url, "--to", target.Url, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        // One collection's verification started over (running, nothing compared yet); the others complete, their tallies saved.
        await target.ExecuteAsync("""
            UPDATE olorin_migration_state SET state = ((state::jsonb - 'results' - 'cursor') || '{"state":"running","elapsed_seconds":0}'::jsonb)::text
            WHERE name = 'verify/detectors'
            """);
        var again = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Database.Url, "--to", target.Url, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        totals = again.Json.GetProperty("totals");
        var detectors = again.Json.GetProperty("collections").EnumerateArray().Single(c => c.GetProperty("collection").GetString() == "detectors");
        Assert.True(detectors.GetProperty("compared").GetInt64() > 0);
        Assert.Equal(verify.Json.GetProperty("totals").GetProperty("compared").GetInt64(), totals.GetProperty("compared").GetInt64());
        Assert.Equal(detectors.GetProperty("compared").GetInt64(), totals.GetProperty("compared_this_run").GetInt64());
        var phaseSeconds = totals.GetProperty("phase_seconds").GetDouble();
        var thisRunRate = detectors.GetProperty("compared").GetInt64() / phaseSeconds;
        // phase_seconds is rounded to the millisecond: the reported rate is within that rounding of this run's.
        Assert.InRange(totals.GetProperty("docs_per_second").GetDouble(), thisRunRate * 0.99 - 1, thisRunRate * 1.01 + 1);
    }
}
