using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using Npgsql;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Schema;

namespace Olorin.Cli.Cli;

/// <summary>Whether the indexes the application needs exist on a database, with their keys (not just their names).</summary>
public static class TargetIndexes
{
    public sealed record Report(int Checked, IReadOnlyList<string> Problems);

    private static IReadOnlyDictionary<string, string> PostgresTables => PostgresCollectionTables.ByCollection;

    public static Task<Report> CheckAsync(OpenedEndpoint endpoint, IReadOnlyList<string> collections, CancellationToken cancellationToken)
        => endpoint.Spec.Backend == Backend.Postgres
            ? CheckPostgresAsync(endpoint.Services, collections, cancellationToken)
            : CheckMongoAsync(endpoint.Services, endpoint.Spec.Mongo!, collections, cancellationToken);

    /// <summary>
    /// Every index of the EF model (the schema the migrations create; <see cref="ModelIndexes"/>, kept equal to the
    /// model by a test, so no model is built here) must exist in pg_indexes on its table, on the same columns.
    /// </summary>
    public static async Task<Report> CheckPostgresAsync(IServiceProvider services, IReadOnlyList<string> collections, CancellationToken cancellationToken)
    {
        var tables = collections.Select(c => PostgresTables[c]).ToHashSet();
        var existing = new List<PgIndex>();
        await using (var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                existing.Add(new PgIndex(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        var problems = new List<string>();
        var count = 0;
        foreach (var index in ModelIndexes.All.Where(i => tables.Contains(i.Table)))
        {
            count++;
            var found = existing.FirstOrDefault(e => e.TableName == index.Table && e.IndexName == index.Name);
            if (found is null) { problems.Add($"{index.Table}: index {index.Name} is missing"); continue; }
            if (!index.Columns.All(c => found.Definition.Contains(c, StringComparison.Ordinal)))
                problems.Add($"{index.Table}: index {index.Name} does not cover ({string.Join(", ", index.Columns)}): {found.Definition}");
            if (index.Unique && !found.Definition.StartsWith("CREATE UNIQUE", StringComparison.Ordinal))
                problems.Add($"{index.Table}: index {index.Name} must be unique");
        }
        return new Report(count, problems);
    }

    public sealed record PgIndex(string TableName, string IndexName, string Definition);

    /// <summary>Every index of the MongoDB bootstrap catalog must exist with the same keys and options (<see cref="RequiredIndex.IsSatisfiedBy"/>).</summary>
    public static async Task<Report> CheckMongoAsync(IServiceProvider services, MongoSettings settings, IReadOnlyList<string> collections, CancellationToken cancellationToken)
    {
        var context = services.GetRequiredService<MongoContext>();
        var catalog = IndexCatalog.For(settings);
        var problems = new List<string>();
        var count = 0;
        var atlasSearchServes = await MongoBootstrapper.AtlasSearchServesAsync(context.Database, catalog, cancellationToken);
        foreach (var collection in collections)
        {
            var existing = await MongoBootstrapper.ExistingIndexesAsync(context.Database.GetCollection<BsonDocument>(collection), cancellationToken);
            foreach (var required in catalog.IndexesOf(collection, atlasSearchServes))
            {
                count++;
                if (!existing.Any(e => Setup.MongoSetupChecks.MatchesByContent(required, e)))
                    problems.Add($"{collection}: index {required.Name} {required.ToSpec()} is missing or has other keys/options");
            }
        }
        return new Report(count, problems);
    }
}
