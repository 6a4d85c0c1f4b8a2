using Microsoft.Extensions.DependencyInjection;
using Olorin.Migration.Canonical;
using Olorin.Migration.Collections;

namespace Olorin.Migration.Preflight;

/// <summary>The result of a preflight scan: documents scanned per collection and every finding (the first <c>limit</c> kept with ids).</summary>
public sealed record PreflightReport(IReadOnlyDictionary<string, long> Scanned, IReadOnlyList<PreflightFinding> Findings, long TotalFindings)
{
    public bool Clean => TotalFindings == 0;

    public IReadOnlyDictionary<string, HashSet<DocumentKey>> KeysByCollection()
        => Findings.GroupBy(f => f.Collection).ToDictionary(g => g.Key, g => g.Select(f => f.Key).ToHashSet());
}

/// <summary>Scans the source before copying and reports, with ids, what the target cannot hold as is.</summary>
public static class PreflightScanner
{
    public static async Task<PreflightReport> ScanAsync(
        MigrationEndpoint source, TargetLimits target, IReadOnlyList<MigrationCollection> collections,
        int keep, Action<string, long>? progress, CancellationToken cancellationToken)
    {
        var scanned = new Dictionary<string, long>();
        var findings = new List<PreflightFinding>();
        long total = 0;
        foreach (var collection in collections)
        {
            await using var scope = source.Services.CreateAsyncScope();
            long count = 0;
            await foreach (var exported in collection.ExportAsync(scope.ServiceProvider, null, cancellationToken))
            {
                var inspection = new CanonicalInspection();
                var bytes = inspection.Inspect(exported.Document);
                foreach (var finding in PreflightRules.Check(collection.Name, collection.TimeSeries, exported.Key, bytes.Length,
                             CanonicalInspectionView.Of(inspection), collection.EmbeddingOf(exported.Document), target))
                {
                    total++;
                    if (findings.Count < keep) findings.Add(finding);
                }
                if (++count % 5000 == 0) progress?.Invoke(collection.Name, count);
            }
            scanned[collection.Name] = count;
            progress?.Invoke(collection.Name, count);
        }
        return new PreflightReport(scanned, findings, total);
    }
}
