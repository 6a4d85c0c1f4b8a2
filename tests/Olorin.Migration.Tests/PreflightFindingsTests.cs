using Npgsql;
using Olorin.Migration.Seeding;
using Olorin.Testing;

namespace Olorin.Migration.Tests;

/// <summary>
/// <c>migrate</c> with its preflight stages a PostgreSQL target while the preflight reads the source (the database
/// created when missing, the schema applied in a transaction left open): a preflight with findings leaves the target
/// as it found it — no schema in a database that existed, no database where there was none — and one without findings
/// commits the staged target and copies.
/// </summary>
public sealed class PreflightFindingsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<PostgresEndpoint> SourceWithAFindingAsync()
    {
        var source = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-findings", 20, seed: 11).WriteAsync(source.Services, cancellationToken: Cancel);
        await source.ExecuteAsync("UPDATE detection_runs SET window_duration_hours = 'NaN' WHERE run_id = (SELECT min(run_id) FROM detection_runs)");
        return source;
    }

    [Fact]
    public async Task A_preflight_with_findings_leaves_an_existing_empty_target_without_a_schema()
    {
        await using var source = await SourceWithAFindingAsync();
        await using var target = await PostgresEndpoint.CreateAsync(migrate: false);

        var run = await CliProcess.RunAsync(PostgresToPostgresMigrationTests.Budget, "migrate", "--from", source.Url, "--to", target.Url, "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.False(run.Json.GetProperty("success").GetBoolean());
        Assert.Contains("nothing was written", run.Stderr);
        Assert.Equal(1, run.Json.GetProperty("preflight").GetProperty("total_findings").GetInt64());
        Assert.Equal(0, await target.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace"));

        // The same target, the finding skipped: the staged schema is committed this time and the rest copied.
        var skipped = await CliProcess.RunAsync(PostgresToPostgresMigrationTests.Budget, "migrate", "--from", source.Url, "--to", target.Url, "--json", "--skip-invalid");
        Assert.True(skipped.ExitCode == 1, skipped.ToString()); // a skipped document makes the exit code 1
        Assert.Equal(1, skipped.Json.GetProperty("totals").GetProperty("skipped").GetInt64());
        Assert.Equal(await source.ScalarAsync<long>("SELECT count(*) FROM detection_runs") - 1, await target.ScalarAsync<long>("SELECT count(*) FROM detection_runs"));
    }

    [Fact]
    public async Task A_preflight_with_findings_leaves_no_database_where_there_was_none()
    {
        await using var source = await SourceWithAFindingAsync();
        var name = $"olorin_test_{Guid.NewGuid():N}";
        var server = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Server);
        var url = $"postgresql://{Uri.EscapeDataString(server.Username!)}:{Uri.EscapeDataString(server.Password ?? "")}@{server.Host}:{server.Port}/{name}";
        try
        {
            using var cli = CliProcess.StartWith(new Dictionary<string, string> { ["OLORIN_TRACE"] = "1" }, "migrate", "--from", source.Url, "--to", url, "--json");
            var run = await cli.WaitAsync(PostgresToPostgresMigrationTests.Budget);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal(1, run.Json.GetProperty("preflight").GetProperty("total_findings").GetInt64());
            Assert.Contains("target: database created", run.Stderr); // staged while the preflight ran, then dropped
            Assert.Equal(0, await AdminScalarAsync($"SELECT count(*) FROM pg_database WHERE datname = '{name}'"));
        }
        finally
        {
            await AdminScalarAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task<long> AdminScalarAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Server) { Database = "postgres" }.ConnectionString);
        await admin.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, admin);
        return await command.ExecuteScalarAsync(Cancel) is long count ? count : 0;
    }
}
