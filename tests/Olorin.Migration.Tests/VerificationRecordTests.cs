using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
using Olorin.Migration.Collections;
using Olorin.Migration.Seeding;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

/// <summary>
/// <c>verify-migration</c> (a real process) records its outcome on the target, where the server's phase gate reads it
/// (<c>/status/migration</c>, section verification): clean or not, counts, differences, collections, finished_at, and
/// descriptions without the password.
/// </summary>
public sealed class VerificationRecordTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Each_verification_replaces_the_record_on_the_target_clean_then_different_then_partial()
    {
        await using var source = await PostgresEndpoint.CreateAsync();
        var dataset = new SyntheticDataset("tenant-record", 12);
        await dataset.WriteAsync(source.Services, batchSize: 2000, cancellationToken: TestContext.Current.CancellationToken);
        await using var target = await PostgresEndpoint.CreateAsync(migrate: false);
        var migrate = await CliProcess.RunAsync(Budget, "migrate", "--from", source.Url, "--to", target.Url, "--json");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        var state = target.Services.GetRequiredService<IMigrationStateStore>();
        Assert.Null(await VerificationRecord.LoadAsync(state, TestContext.Current.CancellationToken));

        var before = DateTime.UtcNow.AddSeconds(-1);
        var clean = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Url, "--to", target.Url, "--json");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        var record = await VerificationRecord.LoadAsync(state, TestContext.Current.CancellationToken);
        Assert.NotNull(record);
        Assert.True(record.Clean);
        Assert.True(record.CoversAllCollections);
        Assert.Equal(MigrationCollections.Names, record.Collections);
        Assert.Equal(dataset.ExpectedDocuments, record.Compared);
        Assert.Equal((0L, 0L, 0L), (record.Missing, record.Extra, record.Different));
        Assert.Empty(record.Differences);
        Assert.InRange(record.FinishedAt, before, DateTime.UtcNow.AddSeconds(1));
        Assert.True(record.StartedAt <= record.FinishedAt);
        Assert.Equal(("postgres", "postgres"), (record.SourceBackend, record.TargetBackend));
        var password = new Npgsql.NpgsqlConnectionStringBuilder(source.ConnectionString).Password!;
        Assert.DoesNotContain($":{password}@", record.Source + record.Target);
        Assert.DoesNotContain("Password", record.Source + record.Target, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(source.Endpoint.Description, record.Source);

        var tampered = await target.ScalarAsync<string>("UPDATE detectors SET name = 'tampered' WHERE ctid = (SELECT ctid FROM detectors ORDER BY detector_id LIMIT 1) RETURNING detector_id");
        var different = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Url, "--to", target.Url, "--json");
        Assert.Equal(1, different.ExitCode);
        record = await VerificationRecord.LoadAsync(state, TestContext.Current.CancellationToken);
        Assert.NotNull(record);
        Assert.False(record.Clean);
        Assert.Equal(1, record.Different);
        Assert.Contains(record.Differences, d => d.StartsWith($"detectors tenant-record/{tampered} different [", StringComparison.Ordinal) && d.Contains("name"));

        var partial = await CliProcess.RunAsync(Budget, "verify-migration", "--from", source.Url, "--to", target.Url, "--collections", "templates", "--restart", "--json");
        Assert.True(partial.ExitCode == 0, partial.ToString());
        record = await VerificationRecord.LoadAsync(state, TestContext.Current.CancellationToken);
        Assert.NotNull(record);
        Assert.True(record.Clean);
        Assert.Equal(["templates"], record.Collections);
        Assert.False(record.CoversAllCollections);
    }
}
