using System.Text.Json;
using Olorin.Migration.Collections;

namespace Olorin.Migration.Tests;

/// <summary>
/// The operator's path, with the CLI as a real process: migrate a 50,000-document PostgreSQL database into an empty
/// one, verify, migrate again (nothing changes). The kill -9 resume test is <see cref="KilledMigrationTests"/>, on a
/// smaller dataset so the suite copies 50,000 documents once.
/// </summary>
public sealed class PostgresToPostgresMigrationTests(SeededSource source) : IClassFixture<SeededSource>
{
    internal static readonly TimeSpan Budget = TimeSpan.FromMinutes(10);

    internal static readonly string[] Tables =
    [
        "investigation_states", "investigation_templates", "detectors", "detection_runs", "anomaly_events", "transaction_scores",
        "investigation_audit_log", "composio_connections", "composio_action_audit", "soar_playbook_executions",
    ];

    [Fact]
    public async Task Migrate_copies_every_document_verify_finds_them_equal_and_a_second_migrate_changes_nothing()
    {
        Assert.True(source.Dataset.ExpectedDocuments >= 50_000, $"dataset has {source.Dataset.ExpectedDocuments} documents");
        await using var target = await PostgresEndpoint.CreateAsync(migrate: false);

        var first = await CliProcess.RunAsync(Budget, "migrate", "--from", source.Database.Url, "--to", target.Url, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        var collections = first.Json.GetProperty("collections").EnumerateArray().ToList();
        Assert.Equal(MigrationCollections.Names, collections.Select(c => c.GetProperty("collection").GetString()));
        foreach (var collection in collections)
        {
            Assert.True(collection.GetProperty("source_count").GetInt64() > 0);
            Assert.Equal(collection.GetProperty("source_count").GetInt64(), collection.GetProperty("copied").GetInt64());
            Assert.Equal(0, collection.GetProperty("failed").GetInt64());
        }
        Assert.Equal(source.Dataset.ExpectedDocuments, first.Json.GetProperty("totals").GetProperty("copied").GetInt64());
        Assert.Contains("Copied", first.Stderr);
        Assert.All(collections, c => Assert.Equal("raw", c.GetProperty("path").GetString()));

        var verify = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Database.Url, "--to", target.Url, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.All(verify.Json.GetProperty("collections").EnumerateArray(), c => Assert.True(c.GetProperty("equal").GetBoolean()));
        var embeddings = verify.Json.GetProperty("collections").EnumerateArray().Single(c => c.GetProperty("collection").GetString() == "anomaly_events").GetProperty("embeddings");
        Assert.Equal(SeededSource.Investigations, embeddings.GetProperty("matching").GetInt64());

        var before = await TableDigestsAsync(target);
        var second = await CliProcess.RunAsync(Budget, "migrate", "--from", source.Database.Url, "--to", target.Url, "--json", "--no-preflight");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(before, await TableDigestsAsync(target));
    }

    /// <summary>Whether the copy of anomaly_events (or, with <paramref name="anyCollection"/>, of any collection) is part-way.</summary>
    internal static async Task<bool> PartWayAsync(PostgresEndpoint target, bool anyCollection = false)
    {
        try
        {
            var name = anyCollection ? "name LIKE 'copy/%'" : "name = 'copy/anomaly_events'";
            var state = await target.ScalarAsync<string>(
                $"SELECT state FROM olorin_migration_state WHERE {name} AND state LIKE '%\"state\":\"running\"%' AND state NOT LIKE '%\"copied\":0,%' LIMIT 1");
            return state is not null && JsonDocument.Parse(state).RootElement.GetProperty("copied").GetInt64() >= 200;
        }
        catch (Npgsql.PostgresException)
        {
            return false; // the database or the table does not exist yet
        }
        catch (Npgsql.NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>An md5 of every row of every table in key order: equal digests mean nothing changed.</summary>
    private static async Task<List<string>> TableDigestsAsync(PostgresEndpoint database)
    {
        var digests = new List<string>();
        foreach (var table in Tables)
            digests.Add($"{table}:{await database.ScalarAsync<string>($"SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM {table} t")}");
        return digests;
    }
}
