using System.Diagnostics;
using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Migration.Seeding;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

public sealed class SmokeThroughputProbe(ITestOutputHelper output)
{
    [Fact]
    public async Task Seed_copy_verify_small()
    {
        await using var a = await PostgresEndpoint.CreateAsync();
        await using var b = await PostgresEndpoint.CreateAsync();
        var dataset = new SyntheticDataset("smoke", 1000);
        var clock = Stopwatch.StartNew();
        await dataset.WriteAsync(a.Services);
        output.WriteLine($"seed {dataset.ExpectedDocuments} in {clock.Elapsed}");
        clock.Restart();
        var observer = new QuietObserver();
        var copied = await new CopyEngine(a.Endpoint, b.Endpoint, new CopyOptions(), observer).CopyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);
        output.WriteLine($"copy {copied.Sum(c => c.Copied)} in {clock.Elapsed}");
        foreach (var c in copied) output.WriteLine($"  {c.Collection} {c.Copied} {c.DocumentsPerSecond:N0}/s");
        clock.Restart();
        var verified = await new Verifier(a.Endpoint, b.Endpoint, new VerifyOptions(), observer).VerifyAsync(MigrationCollections.All, TestContext.Current.CancellationToken);
        output.WriteLine($"verify in {clock.Elapsed}");
        foreach (var v in verified) output.WriteLine($"  {v.Collection} equal={v.Equal} {v.SourceCount}/{v.TargetCount} {string.Join("; ", v.Mismatches.Select(m => m.Kind + " " + m.Id + " " + string.Join(",", m.Fields.Select(f => f.Path + ":" + f.Source + "|" + f.Target))))}");
        Assert.All(verified, v => Assert.True(v.Equal));
    }
}
