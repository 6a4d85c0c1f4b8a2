using Olorin.Migration.Collections;
using Olorin.Migration.Preflight;
using Olorin.Migration.Seeding;

namespace Olorin.Migration.Tests;

/// <summary>
/// The preflight of a PostgreSQL → PostgreSQL migration: the source's server clears the collections that hold no value
/// the rules flag for any target (non-finite numbers, infinite timestamps, embeddings of another dimension), and only
/// the others are read through the models, so a finding is still reported with its id.
/// </summary>
public sealed class PostgresPreflightTests
{
    private static readonly CancellationToken Cancel = CancellationToken.None;

    private static async Task<PostgresEndpoint> SeededAsync()
    {
        var source = await PostgresEndpoint.CreateAsync();
        await new SyntheticDataset("tenant-preflight", 24, seed: 3).WriteAsync(source.Services, cancellationToken: Cancel);
        return source;
    }

    [Fact]
    public async Task Non_finite_numbers_in_a_postgresql_source_are_found_with_their_ids_for_a_postgresql_target()
    {
        await using var source = await SeededAsync();
        var run = await source.ScalarAsync<string>("SELECT run_id FROM detection_runs ORDER BY 1 LIMIT 1");
        await source.ExecuteAsync($"UPDATE detection_runs SET window_duration_hours = 'NaN' WHERE run_id = '{run}'");
        var anomaly = await source.ScalarAsync<string>("SELECT anomaly_id FROM anomaly_events ORDER BY 1 LIMIT 1");
        await source.ExecuteAsync($"UPDATE anomaly_events SET expected = '-Infinity' WHERE anomaly_id = '{anomaly}'");

        var report = await PreflightScanner.ScanAsync(source.Endpoint, TargetLimits.PostgreSql, MigrationCollections.All, keep: 100, progress: null, Cancel);

        Assert.Equal(2, report.TotalFindings);
        Assert.Contains(report.Findings, f => f is { Collection: "detection_runs", Rule: PreflightRules.NonFinite } && f.Key.Id == run && f.Detail.Contains("NaN"));
        Assert.Contains(report.Findings, f => f is { Collection: "anomaly_events", Rule: PreflightRules.NonFinite } && f.Key.Id == anomaly && f.Detail.Contains("Infinity"));
        foreach (var collection in MigrationCollections.All)
            Assert.Equal(await source.ScalarAsync<long>($"SELECT count(*) FROM {PostgresToPostgresMigrationTests.Tables[MigrationCollections.All.ToList().IndexOf(collection)]}"), report.Scanned[collection.Name]);
    }

    [Fact]
    public async Task A_collection_the_source_server_clears_is_not_read_through_the_models()
    {
        await using var source = await SeededAsync();
        // Limits under which every document is too large: the models' scan flags them all, while a source of the
        // same backend and limits is cleared by its server (what the target refuses, it could not have stored).
        var tiny = TargetLimits.PostgreSql with { MaxDocumentBytes = 10, MaxTimeSeriesDocumentBytes = 10 };
        var throughModels = await PreflightScanner.ScanAsync(source.Endpoint, tiny, MigrationCollections.All, keep: 100_000, progress: null, Cancel);
        Assert.Equal(throughModels.Scanned.Values.Sum(), throughModels.TotalFindings);
        Assert.All(throughModels.Findings, f => Assert.Equal(PreflightRules.TooLarge, f.Rule));

        var sameBackend = source.Endpoint with { Limits = tiny };
        var cleared = await PreflightScanner.ScanAsync(sameBackend, tiny, MigrationCollections.All, keep: 100_000, progress: null, Cancel);
        Assert.True(cleared.Clean);
        Assert.Equal(throughModels.Scanned, cleared.Scanned);
    }

    [Fact]
    public async Task For_a_mongodb_target_a_postgresql_source_is_read_through_the_models_and_its_findings_reported()
    {
        // The server's clearance only answers for a target of the source's own backend: a free-form key starting with
        // '$' and a timestamp finer than milliseconds are stored by PostgreSQL and refused or truncated by MongoDB.
        await using var source = await SeededAsync();
        var investigation = await source.ScalarAsync<string>("SELECT investigation_id FROM investigation_states ORDER BY 1 LIMIT 1");
        await source.ExecuteAsync($$"""UPDATE investigation_states SET metadata = '{"$where": 1}' WHERE investigation_id = '{{investigation}}'""");
        var run = await source.ScalarAsync<string>("SELECT run_id FROM detection_runs ORDER BY 1 LIMIT 1");
        await source.ExecuteAsync($"UPDATE detection_runs SET started_at = '2026-01-01 00:00:00.123456+00' WHERE run_id = '{run}'");

        var report = await PreflightScanner.ScanAsync(source.Endpoint, TargetLimits.MongoDb, MigrationCollections.All, keep: 100, progress: null, Cancel);

        Assert.Contains(report.Findings, f => f is { Collection: "investigations", Rule: PreflightRules.FreeFormKey } && f.Key.Id == investigation);
        Assert.Contains(report.Findings, f => f is { Collection: "detection_runs", Rule: PreflightRules.TimestampPrecision } && f.Key.Id == run);
    }
}
