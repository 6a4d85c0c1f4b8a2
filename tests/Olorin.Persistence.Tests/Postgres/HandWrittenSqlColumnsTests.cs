using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Persistence.Postgres;
using Olorin.Persistence.Postgres.Repositories;

namespace Olorin.Persistence.Tests.Postgres;

/// <summary>
/// The investigation statements written by hand for the hot paths (<see cref="InvestigationWriteSql"/>,
/// <see cref="InvestigationByIdReader"/>) spell their columns out. Each list is compared with the columns the EF model
/// maps to its table (the relational model of the DbContext the migrations come from), so a column added to the model
/// — a new property of Investigation or AuditLogEntry — fails here until the SQL writes or reads it too, and a column
/// the SQL names that the model no longer maps fails as well. Columns a statement leaves out on purpose are listed below
/// with the reason; nothing else may be missing.
/// </summary>
public sealed partial class HandWrittenSqlColumnsTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private const string Investigations = "investigation_states";
    private const string AuditLog = "investigation_audit_log";

    /// <summary>Derived by PostgreSQL from settings and results (a stored generated column): never written.</summary>
    private static readonly Dictionary<string, string> Generated = new() { ["search_vector"] = "GENERATED ALWAYS AS … STORED" };

    [Fact]
    public void The_investigation_insert_writes_every_mapped_column_but_the_generated_ones()
        => AssertColumns(Investigations, InsertColumns(InvestigationWriteSql.Insert, Investigations), Generated);

    [Fact]
    public void The_audit_insert_writes_every_mapped_column()
        => AssertColumns(AuditLog, InsertColumns(InvestigationWriteSql.InsertAudit, AuditLog), new Dictionary<string, string>());

    [Fact]
    public void The_update_sets_every_mapped_column_a_patch_can_change()
        => AssertColumns(Investigations, SetColumns(InvestigationWriteSql.Update), new Dictionary<string, string>(Generated)
        {
            ["tenant_id"] = "key: the WHERE, never changed",
            ["investigation_id"] = "key: the WHERE, never changed",
            ["user_id"] = "the owner never changes (Decision 8)",
            ["created_at"] = "set once by the create",
            ["last_accessed"] = "an access, not a change: written by the last_accessed buffer, never by an update (Decision 6)",
        });

    [Fact]
    public void The_by_id_read_and_the_delete_return_every_served_column()
    {
        var excluded = new Dictionary<string, string>(Generated)
        {
            ["embedding"] = "never sent to clients; the embedding worker and semantic search read it with their own queries",
        };
        AssertColumns(Investigations, ListColumns(InvestigationByIdReader.Columns), excluded);
        Assert.Contains($"RETURNING {InvestigationByIdReader.Columns}", InvestigationWriteSql.Delete, StringComparison.Ordinal);
    }

    [Fact]
    public void The_parsers_see_a_column_that_is_missing()
    {
        // The comparisons above must be able to fail: a list without one mapped column is caught.
        var columns = InsertColumns(InvestigationWriteSql.Insert, Investigations).Where(c => c != "metadata").ToList();
        Assert.ThrowsAny<Exception>(() => AssertColumns(Investigations, columns, Generated));
        Assert.ThrowsAny<Exception>(() => AssertColumns(Investigations, [.. columns, "metadata", "no_such_column"], Generated));
    }

    private void AssertColumns(string table, IReadOnlyCollection<string> sqlColumns, IReadOnlyDictionary<string, string> excluded)
    {
        Assert.Equal(sqlColumns.Count, sqlColumns.Distinct().Count());
        var mapped = MappedColumns(table);
        Assert.All(excluded.Keys, column => Assert.Contains(column, mapped)); // an exclusion names a real column
        Assert.Equal(mapped.Except(excluded.Keys).Order(StringComparer.Ordinal), sqlColumns.Order(StringComparer.Ordinal));
    }

    private List<string> MappedColumns(string table)
    {
        using var scope = fixture.Shared.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<OlorinDbContext>().GetService<IDesignTimeModel>().Model;
        var relational = model.GetRelationalModel().FindTable(table, null) ?? throw new InvalidOperationException($"The EF model maps no table {table}.");
        return relational.Columns.Select(c => c.Name).ToList();
    }

    private static List<string> InsertColumns(string sql, string table)
    {
        var match = Regex.Match(sql, $@"INSERT INTO {table} \(([^)]*)\)");
        Assert.True(match.Success, $"no INSERT INTO {table} (…) in the statement");
        return ListColumns(match.Groups[1].Value);
    }

    /// <summary>The assigned columns of <c>UPDATE … SET a = …, b = … WHERE</c> (commas inside parentheses skipped).</summary>
    private static List<string> SetColumns(string sql)
    {
        var match = Regex.Match(sql, @"\bSET\b(.*)\bWHERE\b", RegexOptions.Singleline);
        Assert.True(match.Success, "no SET … WHERE in the statement");
        return TopLevel(match.Groups[1].Value).Select(assignment => assignment.Split('=')[0].Trim()).ToList();
    }

    /// <summary>A column list, each item's cast (<c>settings::text</c>) dropped and quotes (<c>"timestamp"</c>) removed.</summary>
    private static List<string> ListColumns(string list)
        => TopLevel(list).Select(item => CastSuffix().Replace(item.Trim(), "").Trim('"')).ToList();

    private static IEnumerable<string> TopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    [GeneratedRegex(@"::\w+$")]
    private static partial Regex CastSuffix();
}
