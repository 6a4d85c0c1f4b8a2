using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Repositories;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Tests.Mongo.Rendering;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>
/// Every sorted query of the repositories, rendered as the driver sends it, against the rendered index catalog: the
/// sort must be given by an index, not by a blocking sort over everything the filter matches. The rule is the
/// manual's (https://www.mongodb.com/docs/manual/tutorial/sort-results-with-indexes/): the index keys are equality
/// fields of the query, then exactly the sort keys in order — so the index ends with the sort's tie-breaker — with
/// the sort's directions or all of them reversed. For the list without optional filters and with each optional
/// equality filter alone, the index must hold exactly the query's equality fields before the sort; a query combining
/// filters is served by one of those (the other equalities are checked on the fetched documents). Not here, because no
/// index can hold them: sorts on a computed score (<c>$search</c>/<c>$text</c> relevance, cosine similarity) and on
/// <c>$group</c> output (a handful of rows per tenant).
/// </summary>
public sealed class ListSortCoverageTests
{
    private static readonly IndexCatalog Catalog = IndexCatalog.For(new MongoSettings());

    public static TheoryData<string> QueryNames => new(SortedQueries().Select(q => q.Name));

    [Theory]
    [MemberData(nameof(QueryNames))]
    public void The_sort_is_served_by_an_index_ending_with_the_tie_breaker(string name)
    {
        var query = SortedQueries().Single(q => q.Name == name);
        var equality = EqualityFields(query.Filter);
        var indexes = Catalog.IndexesOf(query.Collection).Where(i => !i.IsText).ToList();

        var serving = indexes.Where(i => Serves(i.Keys, equality, query.Sort, out _)).ToList();
        Assert.True(serving.Count > 0,
            $"{name}: no index serves filter {query.Filter} sorted {query.Sort}; indexes: {string.Join(", ", indexes.Select(i => i.Name))}");
        if (query.OptionalFilters <= 1)
            Assert.True(serving.Any(i => Serves(i.Keys, equality, query.Sort, out var prefix) && prefix.SetEquals(equality.Except(query.Sort.Names))),
                $"{name}: no index holds exactly the equality fields [{string.Join(", ", equality)}] before the sort {query.Sort}");
    }

    [Fact]
    public void Every_list_index_ends_with_a_tie_breaker_a_sorted_query_uses()
    {
        var queries = SortedQueries().ToList();
        foreach (var index in Catalog.Indexes.Where(i => !i.Unique && !i.IsText && i.Keys.ElementCount > 2))
            Assert.True(queries.Any(q => q.Collection == index.Collection && Serves(index.Keys, EqualityFields(q.Filter), q.Sort, out _)),
                $"{index.Collection}.{index.Name} serves no sorted query");
    }

    [Fact]
    public void The_rule_rejects_an_index_without_the_tie_breaker_or_with_mixed_directions()
    {
        var sort = BsonDocument.Parse("""{ "updated_at" : -1, "investigation_id" : 1 }""");
        HashSet<string> tenant = ["tenant_id"];

        Assert.False(Serves(BsonDocument.Parse("""{ "tenant_id" : 1, "updated_at" : -1 }"""), tenant, sort, out _));
        Assert.False(Serves(BsonDocument.Parse("""{ "tenant_id" : 1, "updated_at" : -1, "investigation_id" : -1 }"""), tenant, sort, out _));
        Assert.False(Serves(BsonDocument.Parse("""{ "tenant_id" : 1, "status" : 1, "updated_at" : -1, "investigation_id" : 1 }"""), tenant, sort, out _));
        Assert.True(Serves(BsonDocument.Parse("""{ "tenant_id" : 1, "updated_at" : 1, "investigation_id" : -1 }"""), tenant, sort, out _));
        Assert.True(Serves(BsonDocument.Parse("""{ "tenant_id" : 1, "updated_at" : -1, "investigation_id" : 1 }"""), tenant, sort, out _));
    }

    // ---- the rule -----------------------------------------------------------------------------------------

    /// <summary>Whether <paramref name="keys"/> = (equality fields…, sort keys) with all directions equal or all reversed.</summary>
    private static bool Serves(BsonDocument keys, IReadOnlySet<string> equality, BsonDocument sort, out HashSet<string> prefix)
    {
        prefix = [];
        var p = keys.ElementCount - sort.ElementCount;
        if (p < 0) return false;
        for (var i = 0; i < p; i++)
        {
            if (!equality.Contains(keys.GetElement(i).Name)) return false;
            prefix.Add(keys.GetElement(i).Name);
        }
        int? orientation = null;
        for (var i = 0; i < sort.ElementCount; i++)
        {
            var key = keys.GetElement(p + i);
            var wanted = sort.GetElement(i);
            if (key.Name != wanted.Name || !key.Value.IsNumeric) return false;
            var same = Math.Sign(key.Value.ToDouble()) == Math.Sign(wanted.Value.ToDouble()) ? 1 : -1;
            if ((orientation ??= same) != same) return false;
        }
        return true;
    }

    /// <summary>The fields a rendered filter pins by equality (implicit, <c>$eq</c>, or inside <c>$and</c>).</summary>
    private static HashSet<string> EqualityFields(BsonDocument filter)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in filter)
        {
            if (element.Name == "$and")
            {
                foreach (var part in element.Value.AsBsonArray) fields.UnionWith(EqualityFields(part.AsBsonDocument));
                continue;
            }
            if (element.Name.StartsWith('$')) continue; // $or, $text, $expr: no equality an index prefix can use
            var value = element.Value;
            if (value is BsonRegularExpression) continue;
            if (value is BsonDocument operators && operators.ElementCount > 0 && operators.GetElement(0).Name.StartsWith('$'))
            {
                if (operators.Contains("$eq")) fields.Add(element.Name);
                continue;
            }
            fields.Add(element.Name);
        }
        return fields;
    }

    // ---- the sorted queries of the repositories --------------------------------------------------------------

    private sealed record SortedQuery(string Name, string Collection, BsonDocument Filter, BsonDocument Sort, int OptionalFilters);

    private const string T = "tenant-1";
    private static readonly DateTime At = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static IEnumerable<SortedQuery> SortedQueries()
    {
        foreach (var (q, n) in Combinations(new InvestigationQuery(),
                     q => q with { Status = InvestigationStatus.InProgress }, q => q with { UserId = "u" }, q => q with { Search = "inv-1" }))
            yield return Query("investigations", q, n, InvestigationFilters.List(T, q), InvestigationFilters.ListSort, optional: n.Count(c => c != "search"));

        foreach (var (q, n) in Combinations(new DetectorQuery(), q => q with { Type = DetectorType.StlMad }, q => q with { Enabled = true }))
            yield return Query("detectors", q, n, DetectorFilters.List(T, q), DetectorFilters.ListSort);

        foreach (var (q, n) in Combinations(new DetectionRunQuery(),
                     q => q with { DetectorId = "d" }, q => q with { Status = DetectionRunStatus.Running }, q => q with { From = At, To = At.AddDays(1) }))
        {
            yield return Query("detection_runs", q, n, DetectionRunFilters.List(T, q), DetectionRunFilters.ListSort, optional: n.Count(c => c != "from_to"));
            // Percentiles (stats, not a page): the tenant's index walk to the rank; a filtered one is served by the same
            // index with the filter checked on the fetched runs.
            yield return Query("detection_runs", q, n, DetectionRunFilters.WithDuration(T, q), DetectionRunFilters.DurationOrder,
                optional: n.Count == 0 ? 0 : int.MaxValue, what: "percentile");
        }

        foreach (var (q, n) in Combinations(new AnomalyQuery(),
                     q => q with { RunId = "r" }, q => q with { DetectorId = "d" }, q => q with { InvestigationId = "i" },
                     q => q with { Severity = AnomalySeverity.Critical }, q => q with { Status = AnomalyStatus.New }, q => q with { MinScore = 0.5 }))
            yield return Query("anomaly_events", q, n, AnomalyFilters.List(T, q), AnomalyFilters.ListSort, optional: n.Count(c => c != "min_score"));

        yield return Query("transaction_scores", "list", TransactionScoreFilters.ByInvestigation(T, "i"), TransactionScoreFilters.ListSort);
        yield return Query("transaction_scores", "list min_risk", TransactionScoreFilters.ByInvestigation(T, "i", 0.5), TransactionScoreFilters.ListSort);

        yield return Query("audit_log", "history", AuditLogFilters.History(T, "i"), AuditLogFilters.NewestFirst);
        foreach (var (q, n) in Combinations(new AuditLogQuery(),
                     q => q with { ActionType = AuditActionType.Update }, q => q with { UserId = "u" }, q => q with { InvestigationId = "i" }))
            yield return Query("audit_log", q, n, AuditLogFilters.InRange(T, At, At.AddDays(1), q), AuditLogFilters.NewestFirst);

        foreach (var (q, n) in Combinations(new TemplateQuery(), q => q with { UserId = "u" }, q => q with { Tag = "fraud" }))
            yield return Query("templates", q, n, TemplateFilters.List(T, q), TemplateFilters.ListSort);

        foreach (var (q, n) in Combinations(new ComposioConnectionQuery(),
                     q => q with { ToolkitName = "slack" }, q => q with { Status = ComposioConnectionStatus.Active }, q => q with { ExpiredAt = At }))
            yield return Query("composio_connections", q, n, ComposioConnectionFilters.List(T, q), ComposioConnectionFilters.ListSort, optional: n.Count(c => c != "expired_at"));

        foreach (var (q, n) in Combinations(new ComposioActionAuditQuery(),
                     q => q with { ConnectionId = "c" }, q => q with { ToolkitName = "slack" }, q => q with { Status = ComposioActionStatus.Failed },
                     q => q with { ExecutionId = "e" }, q => q with { From = At, To = At.AddDays(1) }))
            yield return Query("composio_action_audits", q, n, ComposioActionAuditFilters.List(T, q), ComposioActionAuditFilters.ListSort, optional: n.Count(c => c != "from_to"));
        yield return Query("composio_action_audits", "failed", ComposioActionAuditFilters.Failed(T, null), ComposioActionAuditFilters.FailedSort);
        yield return Query("composio_action_audits", "failed max_retries", ComposioActionAuditFilters.Failed(T, 3), ComposioActionAuditFilters.FailedSort);

        foreach (var (q, n) in Combinations(new SoarExecutionQuery(),
                     q => q with { InvestigationId = "i" }, q => q with { PlaybookId = "p" }, q => q with { Status = SoarExecutionStatus.Running }))
            yield return Query("soar_playbook_executions", q, n, SoarExecutionFilters.List(T, q), SoarExecutionFilters.ListSort);

        // Embedding backfill and bulk-transfer exports walk the business key.
        yield return Query("anomaly_events", "embedding backfill", EmbeddingFilters.AnomaliesWithout(T, new TenantKey(T, "a")), EmbeddingFilters.AnomalyKeyOrder);
        yield return Query("investigations", "embedding backfill", EmbeddingFilters.InvestigationsWithout(null, new TenantKey(T, "i")), EmbeddingFilters.InvestigationKeyOrder);
        yield return Query("transaction_scores", "export", TransactionScoreFilters.After(new TransactionScoreKey(T, "i", "t")), TransactionScoreFilters.KeyOrder);
        yield return Query("detectors", "export", KeyFilters.After<Detector>(d => d.TenantId, d => d.DetectorId, new TenantKey(T, "d")),
            KeyFilters.Ascending<Detector>(d => d.TenantId, d => d.DetectorId));
        yield return Query("audit_log", "export", KeyFilters.After<AuditLogEntry>(e => e.EntryId, "e"), KeyFilters.Ascending<AuditLogEntry>(e => e.EntryId));
    }

    private static SortedQuery Query<TQuery, TDoc>(string collection, TQuery _, IReadOnlyList<string> names, FilterDefinition<TDoc> filter, SortDefinition<TDoc> sort,
        int? optional = null, string what = "list")
        => new($"{collection} {what} [{string.Join(", ", names)}]", collection, Rendered.Filter(filter), Rendered.Sort(sort), optional ?? names.Count);

    private static SortedQuery Query<TDoc>(string collection, string what, FilterDefinition<TDoc> filter, SortDefinition<TDoc> sort)
        => new($"{collection} {what}", collection, Rendered.Filter(filter), Rendered.Sort(sort), 0);

    /// <summary>Every subset of the optional filters applied to <paramref name="empty"/>, with the names of those applied.</summary>
    private static IEnumerable<(TQuery Query, IReadOnlyList<string> Names)> Combinations<TQuery>(TQuery empty, params Func<TQuery, TQuery>[] setters)
    {
        for (var mask = 0; mask < 1 << setters.Length; mask++)
        {
            var query = empty;
            var names = new List<string>();
            for (var i = 0; i < setters.Length; i++)
            {
                if ((mask & (1 << i)) == 0) continue;
                query = setters[i](query);
                names.Add(NameOf(empty, setters[i](empty)));
            }
            yield return (query, names);
        }
    }

    /// <summary>The snake_case name of what a setter changes ("from_to" for a range).</summary>
    private static string NameOf<TQuery>(TQuery before, TQuery after)
    {
        var changed = typeof(TQuery).GetProperties()
            .Where(p => !Equals(p.GetValue(before), p.GetValue(after)))
            .Select(p => string.Concat(p.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())))
            .ToList();
        return changed is ["from", "to"] ? "from_to" : string.Join("+", changed);
    }
}
