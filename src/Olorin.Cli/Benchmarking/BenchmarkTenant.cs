using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using Npgsql;
using Olorin.Cli.Cli;
using Olorin.Core.Models;
using Olorin.Migration.Collections;
using Olorin.Persistence.Mongo;

namespace Olorin.Cli.Benchmarking;

/// <summary>The benchmark's data: ids and embeddings of one tenant, and removing a seeded tenant afterwards.</summary>
public static class BenchmarkTenant
{
    public static async Task<(List<string> Investigations, List<(string Id, float[] Embedding)> Anomalies)> LoadAsync(
        IServiceProvider services, string tenantId, CancellationToken cancellationToken)
    {
        var investigations = new List<string>();
        var anomalies = new List<(string, float[])>();
        await using var scope = services.CreateAsyncScope();
        var all = MigrationCollections.All;
        await foreach (var exported in all.Single(c => c.Name == "investigations").ExportAsync(scope.ServiceProvider, null, cancellationToken))
            if (exported.Key.TenantId == tenantId) investigations.Add(exported.Key.Id);
        await foreach (var exported in all.Single(c => c.Name == "anomaly_events").ExportAsync(scope.ServiceProvider, null, cancellationToken))
            if (exported.Key.TenantId == tenantId && exported.Document is AnomalyEvent { Embedding.Length: > 0 } anomaly)
                anomalies.Add((anomaly.AnomalyId, anomaly.Embedding));
        return (investigations, anomalies);
    }

    /// <summary>Deletes every document of the tenant (only ever called for the dedicated tenant the benchmark seeded).</summary>
    public static async Task RemoveAsync(OpenedEndpoint endpoint, string tenantId, CancellationToken cancellationToken)
    {
        if (endpoint.Spec.Backend == Backend.Postgres)
        {
            var dataSource = endpoint.Services.GetRequiredService<NpgsqlDataSource>();
            foreach (var table in new[] { "transaction_scores", "anomaly_events", "investigation_audit_log", "detection_runs", "detectors", "investigation_templates",
                         "composio_action_audit", "composio_connections", "soar_playbook_executions", "investigation_states" })
            {
                await using var command = dataSource.CreateCommand($"DELETE FROM {table} WHERE tenant_id = $1");
                command.Parameters.AddWithValue(tenantId);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return;
        }
        var database = endpoint.Services.GetRequiredService<MongoContext>().Database;
        var filter = Builders<BsonDocument>.Filter.Or(
            Builders<BsonDocument>.Filter.Eq("tenant_id", tenantId), Builders<BsonDocument>.Filter.Eq("metadata.tenant_id", tenantId));
        foreach (var name in MongoCollectionNames.All)
            await database.GetCollection<BsonDocument>(name).DeleteManyAsync(filter, cancellationToken);
    }
}
