using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Postgres;

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

    /// <summary>Every index of the EF model (the schema the migrations create) must exist in pg_indexes on its table, on the same columns.</summary>
    public static async Task<Report> CheckPostgresAsync(IServiceProvider services, IReadOnlyList<string> collections, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OlorinDbContext>();
        var tables = collections.Select(c => PostgresTables[c]).ToHashSet();
        var existing = await db.Database.SqlQueryRaw<PgIndex>(
                "SELECT tablename AS table_name, indexname AS index_name, indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema()")
            .ToListAsync(cancellationToken);
        var problems = new List<string>();
        var count = 0;
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is { } t && tables.Contains(t)))
        {
            var table = entity.GetTableName()!;
            foreach (var index in entity.GetIndexes())
            {
                count++;
                var name = index.GetDatabaseName();
                var found = existing.FirstOrDefault(e => e.TableName == table && e.IndexName == name);
                if (found is null) { problems.Add($"{table}: index {name} is missing"); continue; }
                var columns = index.Properties.Select(p => p.GetColumnName()).ToList();
                if (!columns.All(c => found.Definition.Contains(c, StringComparison.Ordinal)))
                    problems.Add($"{table}: index {name} does not cover ({string.Join(", ", columns)}): {found.Definition}");
                if (index.IsUnique && !found.Definition.StartsWith("CREATE UNIQUE", StringComparison.Ordinal))
                    problems.Add($"{table}: index {name} must be unique");
            }
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
