namespace Olorin.Migration.Tests;

/// <summary><c>olorin benchmark --compare</c> end to end: any two databases (PostgreSQL vs PostgreSQL here), and an unreachable one.</summary>
public sealed class BenchmarkCompareTests
{
    [Fact]
    public async Task Compare_runs_the_same_workload_on_both_databases_and_reports_the_ratio_per_query_type()
    {
        await using var a = await PostgresEndpoint.CreateAsync();
        await using var b = await PostgresEndpoint.CreateAsync();
        var result = await CliProcess.RunAsync(TimeSpan.FromMinutes(5),
            "benchmark", "--target", a.Url, "--compare-with", b.Url, "--seed-data", "40", "-n", "5", "--warmup", "1", "--json");

        // PASS/FAIL against the P99 targets depends on the machine's load: 0 or 1, never 2 (unusable).
        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        var runs = result.Json.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(7, r.GetProperty("queries").GetArrayLength()));
        Assert.All(runs, r => Assert.All(r.GetProperty("queries").EnumerateArray(), q => Assert.Equal(0, q.GetProperty("errors").GetInt32())));
        var ratios = result.Json.GetProperty("ratios").EnumerateArray().ToList();
        Assert.Equal(runs[0].GetProperty("queries").EnumerateArray().Select(q => q.GetProperty("query").GetString()), ratios.Select(r => r.GetProperty("query").GetString()));
        Assert.All(ratios, r => Assert.True(r.GetProperty("b_over_a_p99").GetDouble() > 0));
        Assert.Contains("B / A", result.Stderr);
        // The seeded tenants are removed afterwards (no --keep).
        Assert.Equal(0L, await a.ScalarAsync<long>("SELECT count(*) FROM investigation_states"));
        Assert.Equal(0L, await b.ScalarAsync<long>("SELECT count(*) FROM investigation_states"));
    }

    [Fact]
    public async Task Compare_against_an_unreachable_mongodb_exits_2_with_one_line_before_running_anything()
    {
        await using var a = await PostgresEndpoint.CreateAsync();
        using var cli = CliProcess.StartWith(new Dictionary<string, string> { ["MONGODB_SERVER_SELECTION_TIMEOUT_MS"] = "1500" },
            "benchmark", "--compare", "--target", a.Url, "--compare-with", "mongodb://olorin:s3cret@127.0.0.1:1/olorin", "--seed-data", "10");
        var result = await cli.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 2, result.ToString());
        // Without --json, human text (here: the one error line) goes to stdout.
        var line = Assert.Single((result.Stdout + result.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("olorin benchmark: --compare-with", line);
        Assert.DoesNotContain("s3cret", result.Stdout + result.Stderr);
        Assert.Equal(0L, await a.ScalarAsync<long>("SELECT count(*) FROM investigation_states"));
    }
}
