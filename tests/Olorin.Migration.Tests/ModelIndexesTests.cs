using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Schema;

namespace Olorin.Migration.Tests;

/// <summary>The written-out index list the operator tools check databases against is the EF model's.</summary>
public sealed class ModelIndexesTests
{
    [Fact]
    public async Task The_written_out_indexes_are_the_models()
    {
        await using var services = PostgresPersistence.BuildStoreProvider("Host=127.0.0.1;Database=unused");
        await using var scope = services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<OlorinDbContext>().Model;
        var expected = model.GetEntityTypes()
            .Where(e => e.GetTableName() is not null)
            .SelectMany(e => e.GetIndexes().Select(i => new ModelIndex(e.GetTableName()!, i.GetDatabaseName()!, i.Properties.Select(p => p.GetColumnName()).ToList(), i.IsUnique)))
            .OrderBy(i => i.Table, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)
            .ToList();
        var code = new StringBuilder();
        foreach (var i in expected)
            code.Append($"        new(\"{i.Table}\", \"{i.Name}\", [{string.Join(", ", i.Columns.Select(c => $"\"{c}\""))}], Unique: {(i.Unique ? "true" : "false")}),\n");
        Assert.True(
            expected.Select(Text).SequenceEqual(ModelIndexes.All.Select(Text)),
            "src/Olorin.Persistence.Postgres/Schema/ModelIndexes.cs is stale; its list should read:\n" + code);
    }

    private static string Text(ModelIndex i) => $"{i.Table} {i.Name} ({string.Join(", ", i.Columns)}) {i.Unique}";
}
