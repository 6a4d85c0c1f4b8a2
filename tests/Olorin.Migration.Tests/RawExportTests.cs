using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Migration.Canonical;
using Olorin.Migration.Collections;
using Olorin.Migration.Seeding;
using Olorin.Persistence.Postgres;

namespace Olorin.Migration.Tests;

/// <summary>
/// The PostgreSQL export reads rows with plain Npgsql (PostgresBulkReader), not EF queries: it must read every column
/// of every collection exactly as EF does (same canonical form, document by document), nulls, empty embeddings and
/// complex properties included, and resume after a key.
/// </summary>
public sealed class RawExportTests
{
    [Fact]
    public async Task The_export_reads_every_collection_exactly_as_ef_core_does()
    {
        await using var database = await PostgresEndpoint.CreateAsync();
        // 130 investigations: enough rows of each kind to cross the reader's pages in the biggest collections is not
        // needed here (the 50,000-document test does); every variant of nulls the dataset writes is.
        await new SyntheticDataset("tenant-raw", 130).WriteAsync(database.Services, cancellationToken: TestContext.Current.CancellationToken);
        // One investigation with an embedding (the dataset's have none) so both the NULL and the vector path are read.
        await database.ExecuteAsync("UPDATE investigation_states SET embedding = (SELECT embedding FROM anomaly_events ORDER BY anomaly_id LIMIT 1) WHERE investigation_id = 'tenant-raw-inv-0000003'");

        await using var scope = database.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        var viaEf = new Dictionary<string, IReadOnlyList<object>>
        {
            ["investigations"] = await db.Investigations.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["templates"] = await db.Templates.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["detectors"] = await db.Detectors.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["detection_runs"] = await db.DetectionRuns.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["anomaly_events"] = await db.AnomalyEvents.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["transaction_scores"] = await db.TransactionScores.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["audit_log"] = await db.AuditLog.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["composio_connections"] = await db.ComposioConnections.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["composio_action_audits"] = await db.ComposioActionAudits.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
            ["soar_playbook_executions"] = await db.SoarPlaybookExecutions.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken),
        };

        foreach (var collection in MigrationCollections.All)
        {
            await using var exportScope = database.Services.CreateAsyncScope();
            var exported = new List<ExportedDocument>();
            await foreach (var document in collection.ExportAsync(exportScope.ServiceProvider, null, TestContext.Current.CancellationToken)) exported.Add(document);
            var expected = viaEf[collection.Name].ToDictionary(collection.KeyOf, d => Convert.ToHexString(CanonicalForm.Of(d)));
            Assert.True(expected.Count > 0, collection.Name);
            Assert.Equal(expected.Count, exported.Count);
            foreach (var document in exported)
                Assert.True(expected[document.Key] == Convert.ToHexString(CanonicalForm.Of(document.Document)), $"{collection.Name} {document.Key} reads differently from EF");

            // In key order, and resumable after any key.
            for (var i = 1; i < exported.Count; i++) Assert.True(collection.CompareOrder(exported[i - 1].Document, exported[i].Document) < 0, collection.Name);
            var middle = exported[exported.Count / 2];
            var rest = new List<ExportedDocument>();
            await foreach (var document in collection.ExportAsync(exportScope.ServiceProvider, middle.Cursor, TestContext.Current.CancellationToken)) rest.Add(document);
            Assert.Equal(exported.Skip(exported.Count / 2 + 1).Select(d => d.Key), rest.Select(d => d.Key));
        }
        Assert.Contains(viaEf["investigations"], i => ((Olorin.Core.Models.Investigation)i).Embedding.Length == 384);
    }
}
