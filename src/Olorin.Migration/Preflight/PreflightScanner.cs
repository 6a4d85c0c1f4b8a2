using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
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
        var clearedByServer = await ClearedByServerAsync(source, target, collections, cancellationToken);
        foreach (var collection in collections)
        {
            if (clearedByServer.TryGetValue(collection.Name, out var stored))
            {
                scanned[collection.Name] = stored;
                progress?.Invoke(collection.Name, stored);
                continue;
            }
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

    /// <summary>
    /// The collections whose every document the source's own server has cleared, with their counts: where source and
    /// target are the same backend (PostgreSQL → PostgreSQL), what the target's types refuse the source's refused too,
    /// so only the values that backend stores but the rules flag for any target can give a finding
    /// (<see cref="IRawRowTransfer.ScanFlaggedValuesAsync"/>, which counts in the same scan); a collection that holds none
    /// of them is not read through the models (tens of microseconds of the tool's CPU per document: most of a default
    /// run's CPU). Every collection is asked at once; one that may hold such a value, or has no raw path, is scanned as before.
    /// </summary>
    private static async Task<Dictionary<string, long>> ClearedByServerAsync(
        MigrationEndpoint source, TargetLimits target, IReadOnlyList<MigrationCollection> collections, CancellationToken cancellationToken)
    {
        if (source.Limits != target || source.Services.GetService<IRawRowTransfer>() is not { } raw) return [];
        var answers = await Task.WhenAll(collections.Select(async collection =>
        {
            if (await raw.ShapeAsync(collection.Name, cancellationToken) is null) return (collection.Name, Count: (long?)null);
            var scan = await raw.ScanFlaggedValuesAsync(collection.Name, target.EmbeddingDimensions, cancellationToken);
            return (collection.Name, Count: scan.MayHoldFlaggedValues ? null : (long?)scan.Count);
        }));
        return answers.Where(a => a.Count is not null).ToDictionary(a => a.Name, a => a.Count!.Value, StringComparer.Ordinal);
    }
}
