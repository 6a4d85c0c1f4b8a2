using System.Text.Json;
using Olorin.Cli;
using Olorin.Migration.Seeding;

namespace Olorin.Migration.Tests;

/// <summary>Tests that swap the process's console: they run alone, never beside another test.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>
/// The migrate and verify-migration commands run inside the test process (the same command tree as
/// <c>scripts/olorin</c>, console redirected), so their code counts in the coverage that the child-process tests of
/// <see cref="PostgresToPostgresMigrationTests"/> cannot report: raw and portable paths, JSON results, the exit codes.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class InProcessCliTests
{
    private static async Task<(int ExitCode, JsonElement Json, string Human)> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (savedOut, savedError) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        int exitCode;
        try
        {
            exitCode = await OlorinCli.Build().Parse(args).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
        }
        var text = stdout.ToString();
        Assert.True(text.TrimStart().StartsWith('{'), $"exit {exitCode}, no JSON on stdout: {text}\n{stderr}");
        return (exitCode, JsonDocument.Parse(text).RootElement.Clone(), stderr.ToString());
    }

    [Fact]
    public async Task Migrate_and_verify_run_in_process_on_both_paths_and_name_a_changed_field()
    {
        var dataset = new SyntheticDataset("tenant-inproc", 40, seed: 3);
        await using var source = await PostgresEndpoint.CreateAsync();
        await dataset.WriteAsync(source.Services, cancellationToken: TestContext.Current.CancellationToken);
        await using var target = await PostgresEndpoint.CreateAsync(migrate: false);

        var migrate = await RunAsync("migrate", "--from", source.Url, "--to", target.Url, "--batch-size", "50", "--json");
        Assert.True(migrate.ExitCode == 0, migrate.Human);
        Assert.Equal(dataset.ExpectedDocuments, migrate.Json.GetProperty("totals").GetProperty("copied").GetInt64());
        Assert.All(migrate.Json.GetProperty("collections").EnumerateArray(), c => Assert.Equal("raw", c.GetProperty("path").GetString()));

        foreach (var path in new[] { "raw", "models" })
        {
            string[] flags = path == "models" ? ["--portable"] : [];
            var verify = await RunAsync(["verify-migration", "--from", source.Url, "--to", target.Url, "--json", "--restart", .. flags]);
            Assert.True(verify.ExitCode == 0, verify.Human);
            Assert.All(verify.Json.GetProperty("collections").EnumerateArray(), c => Assert.Equal(path, c.GetProperty("path").GetString()));
        }

        var id = dataset.InvestigationId(3);
        await target.ExecuteAsync($"UPDATE investigation_states SET metadata = jsonb_set(metadata, '{{custom_fields,ticket}}', '\"T-999\"') WHERE investigation_id = '{id}'");
        var changed = await RunAsync("verify-migration", "--from", source.Url, "--to", target.Url, "--json", "--restart", "--collections", "investigations");
        Assert.Equal(1, changed.ExitCode);
        var mismatch = Assert.Single(changed.Json.GetProperty("collections")[0].GetProperty("mismatches").EnumerateArray());
        Assert.Equal(id, mismatch.GetProperty("id").GetString());
        Assert.Equal("metadata.custom_fields.ticket", mismatch.GetProperty("fields")[0].GetProperty("path").GetString());

        var portable = await RunAsync("migrate", "--from", source.Url, "--to", target.Url, "--json", "--portable", "--restart", "--collections", "investigations,detectors");
        Assert.True(portable.ExitCode == 0, portable.Human);
        Assert.All(portable.Json.GetProperty("collections").EnumerateArray(), c => Assert.Equal("models", c.GetProperty("path").GetString()));
        var repaired = await RunAsync("verify-migration", "--from", source.Url, "--to", target.Url, "--json", "--restart", "--collections", "investigations");
        Assert.Equal(0, repaired.ExitCode);
    }
}
