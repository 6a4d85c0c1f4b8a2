using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MongoDB.Driver.Search;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The queries of <see cref="MongoInvestigationRepository"/>, tenant first.</summary>
public static class InvestigationFilters
{
    private static FilterDefinitionBuilder<Investigation> Filter => Builders<Investigation>.Filter;
    private static UpdateDefinitionBuilder<Investigation> Update => Builders<Investigation>.Update;

    /// <summary>The live investigation (a tombstone waiting for <see cref="MongoAuditRelay"/> is not found).</summary>
    public static FilterDefinition<Investigation> ById(string tenantId, string investigationId)
        => Filter.Eq(i => i.TenantId, tenantId) & Filter.Eq(i => i.InvestigationId, investigationId) & PendingAudit.Live;

    /// <summary>Only while updated_at is still <paramref name="updatedAt"/>: no progress update slipped in since the read.</summary>
    public static FilterDefinition<Investigation> UpdatedAt(DateTime updatedAt) => Filter.Eq(i => i.UpdatedAt, updatedAt);

    /// <summary>The investigation, only at <paramref name="version"/>: the optimistic-locking guard.</summary>
    public static FilterDefinition<Investigation> AtVersion(string tenantId, string investigationId, int version)
        => ById(tenantId, investigationId) & Filter.Eq(i => i.Version, version);

    /// <summary>
    /// The guard of an audited update or delete: at <paramref name="version"/>, still at the before image's
    /// <paramref name="updatedAt"/>, and owned by <paramref name="owner"/> when one is required.
    /// </summary>
    public static FilterDefinition<Investigation> Guarded(string tenantId, string investigationId, int version, string? owner, DateTime updatedAt)
    {
        var filter = AtVersion(tenantId, investigationId, version) & UpdatedAt(updatedAt);
        return owner is null ? filter : filter & Filter.Eq(i => i.UserId, owner);
    }

    /// <summary>
    /// last_accessed unset or older than <paramref name="threshold"/>: a recent access writes nothing. <c>{field: null}</c>
    /// matches a null or a missing field (https://www.mongodb.com/docs/manual/tutorial/query-for-null-fields/).
    /// </summary>
    public static FilterDefinition<Investigation> LastAccessedBefore(DateTime threshold)
        => Filter.Eq(i => i.LastAccessed, null) | Filter.Lt(i => i.LastAccessed, threshold);

    public static FilterDefinition<Investigation> List(string tenantId, InvestigationQuery query)
    {
        var filter = Filter.Eq(i => i.TenantId, tenantId) & PendingAudit.Live;
        if (query.Status is { } status) filter &= Filter.Eq(i => i.Status, status);
        if (query.UserId is not null) filter &= Filter.Eq(i => i.UserId, query.UserId);
        if (!string.IsNullOrEmpty(query.Search))
            filter &= Filter.Regex(i => i.InvestigationId, new BsonRegularExpression(Regex.Escape(query.Search), "i"));
        return filter;
    }

    /// <summary>
    /// The list total as two counts that fetch no investigation document, for the lists PostgreSQL answers from its
    /// counters (no filter, or the status alone; the owner and id-substring filters still count their matches):
    /// <see cref="ListCountFilters.All"/> has only equality conditions on the leading keys of a list index
    /// (<c>tenant_id</c>, or <c>tenant_id, status</c>), so the count reads index keys only — <c>countDocuments</c> is a
    /// <c>$match</c> + <c>$group</c> that needs no field of the document
    /// (https://www.mongodb.com/docs/manual/reference/method/db.collection.countDocuments/#mechanics,
    /// https://www.mongodb.com/docs/manual/core/aggregation-pipeline-optimization/#projection-optimization), and a query
    /// whose conditions and output are all in one index is covered: "MongoDB can both match the query conditions and
    /// return the results using only the index" (https://www.mongodb.com/docs/manual/core/query-optimization/#covered-query).
    /// The tombstone predicate <see cref="PendingAudit.Live"/> is the one condition no index holds (a missing field
    /// and a null are one key; <c>$exists: false</c> needs the document), so it is not in that count:
    /// <see cref="ListCountFilters.Tombstones"/> counts the deleted investigations not yet removed by the relay through
    /// the partial index <c>tenant_id_1_status_1_tombstones</c> (<c>$exists: true</c> is what a partial filter
    /// accepts, and this predicate implies it, https://www.mongodb.com/docs/manual/core/index-partial/), and the total
    /// is the first count minus the second. Null for the other filters.
    /// </summary>
    public static ListCountFilters? ListCount(string tenantId, InvestigationQuery query)
    {
        if (query.UserId is not null || !string.IsNullOrEmpty(query.Search)) return null;
        var all = Filter.Eq(i => i.TenantId, tenantId);
        if (query.Status is { } status) all &= Filter.Eq(i => i.Status, status);
        return new ListCountFilters(all, all & Filter.Exists(PendingAudit.DeletedField));
    }

    /// <summary>Every investigation document of a list (tombstones included), and only its tombstones.</summary>
    public sealed record ListCountFilters(FilterDefinition<Investigation> All, FilterDefinition<Investigation> Tombstones);

    /// <summary>
    /// What a read serves: the document without its embedding (derived, never sent; 384 doubles). An exclusion
    /// projection returns every other field (https://www.mongodb.com/docs/manual/tutorial/project-fields-from-query-results/#return-all-but-the-excluded-fields).
    /// </summary>
    public static ProjectionDefinition<Investigation, Investigation> Served { get; } =
        Builders<Investigation>.Projection.Exclude(i => i.Embedding);

    /// <summary>Newest updated_at first, then investigation_id.</summary>
    public static SortDefinition<Investigation> ListSort { get; } =
        Builders<Investigation>.Sort.Descending(i => i.UpdatedAt).Ascending(i => i.InvestigationId);

    /// <summary>
    /// <c>$set</c> of the patched members, <c>$inc</c> version, <c>$set</c> updated_at: the stored counterpart of
    /// <see cref="InvestigationPatch.ApplyTo"/>, which the repository applies to the before image for the audit entry.
    /// </summary>
    public static UpdateDefinition<Investigation> Patch(InvestigationPatch patch, DateTime now)
    {
        var updates = new List<UpdateDefinition<Investigation>>();
        if (patch.LifecycleStage is { } stage) updates.Add(Update.Set(i => i.LifecycleStage, stage));
        if (patch.Status is { } status) updates.Add(Update.Set(i => i.Status, status));
        if (patch.Settings is not null) updates.Add(Update.Set(i => i.Settings, patch.Settings));
        if (patch.Progress is not null) updates.Add(Update.Set(i => i.Progress, patch.Progress));
        if (patch.Results is not null) updates.Add(Update.Set(i => i.Results, patch.Results));
        if (patch.Metadata is not null) updates.Add(Update.Set(i => i.Metadata, patch.Metadata));
        if (patch.ChangesEmbeddedText) updates.Add(Update.Set(i => i.Embedding, Array.Empty<float>()));
        updates.Add(Update.Inc(i => i.Version, 1));
        updates.Add(Update.Set(i => i.UpdatedAt, now));
        return Update.Combine(updates);
    }

    /// <summary>Progress and updated_at; version untouched (Decision 6).</summary>
    public static UpdateDefinition<Investigation> ReplaceProgress(JsonObject progress, DateTime now)
        => Update.Set(i => i.Progress, progress).Set(i => i.UpdatedAt, now);

    public static UpdateDefinition<Investigation> TouchLastAccessed(DateTime accessedAt) => Update.Set(i => i.LastAccessed, accessedAt);

    public static PipelineDefinition<Investigation, StatusCount<InvestigationStatus>> CountByStatus(string tenantId)
        => new EmptyPipelineDefinition<Investigation>()
            .Match(Filter.Eq(i => i.TenantId, tenantId) & PendingAudit.Live)
            .Group(i => i.Status, g => new StatusCount<InvestigationStatus> { Status = g.Key, Count = g.LongCount() });

    // ---- full-text search --------------------------------------------------------------------------------

    /// <summary>The named text fields Atlas Search matches (mapped as strings by the <c>investigations_search</c> index).</summary>
    public static SearchPathDefinition<Investigation> SearchFields { get; } = Builders<Investigation>.SearchPath.Multi(
        "settings.name", "settings.entity_value", "settings.entities.entity_value", "results.summary");

    /// <summary>Every string inside the findings (a dynamic document in the index, so reachable by wildcard only).</summary>
    public static SearchPathDefinition<Investigation> FindingsFields { get; } = Builders<Investigation>.SearchPath.Wildcard("results.findings.*");

    /// <summary>
    /// Atlas <c>$search</c>: a <c>compound</c> of <c>text</c> on the named fields or the findings (at least one:
    /// <c>minimumShouldMatch</c>), the tenant as a non-scoring <c>filter</c> clause with <c>equals</c>, which on a string
    /// needs the field indexed as <c>token</c> (https://www.mongodb.com/docs/atlas/atlas-search/equals/ ,
    /// https://www.mongodb.com/docs/atlas/atlas-search/compound/).
    /// </summary>
    public static SearchDefinition<Investigation> AtlasSearch(string tenantId, string text)
        => Builders<Investigation>.Search.Compound()
            .Should(Builders<Investigation>.Search.Text(SearchFields, text), Builders<Investigation>.Search.Text(FindingsFields, text))
            .MinimumShouldMatch(1)
            .Filter(Builders<Investigation>.Search.Equals(i => i.TenantId, tenantId));

    /// <summary>Best match first (then investigation_id), one page, as <c>{ document, score }</c>.</summary>
    public static PipelineDefinition<Investigation, ScoredDocument<Investigation>> AtlasSearchPage(string tenantId, string text, string indexName, int skip, int limit)
        => new EmptyPipelineDefinition<Investigation>()
            .Search(AtlasSearch(tenantId, text), indexName: indexName)
            .Match(PendingAudit.Live)
            .Project<Investigation, Investigation, ScoredDocument<Investigation>>(ScoredProjection("searchScore"))
            .Sort(ByScore)
            .Skip(skip)
            .Limit(limit);

    /// <summary>The exact number of matches, from <c>$searchMeta</c> with <c>count: {type: "total"}</c> (https://www.mongodb.com/docs/atlas/atlas-search/counting/).</summary>
    public static PipelineDefinition<Investigation, SearchMetaResult> AtlasSearchCount(string tenantId, string text, string indexName)
        => new EmptyPipelineDefinition<Investigation>()
            .SearchMeta(AtlasSearch(tenantId, text), indexName: indexName, count: new SearchCountOptions { Type = SearchCountType.Total });

    /// <summary>
    /// The community fallback: <c>$text</c> over the wildcard text index, whose first key is tenant_id — a compound
    /// text index needs equality on the keys before the text key, and the <c>$match</c> holding <c>$text</c> must be
    /// the first stage (https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/text-index-restrictions/).
    /// The user's text goes to the server as given: <c>$text</c> reads quoted words as a phrase and a leading minus as
    /// a negation (https://www.mongodb.com/docs/manual/reference/operator/query/text/#search-field), which <c>$search</c>
    /// does not, so the two backends' search syntax differs there (docs/api.md).
    /// </summary>
    public static FilterDefinition<Investigation> TextSearch(string tenantId, string text)
        => Filter.Eq(i => i.TenantId, tenantId) & Filter.Text(text) & PendingAudit.Live;

    /// <summary>Highest <c>textScore</c> first (then investigation_id), one page, as <c>{ document, score }</c> (<c>{$meta: "textScore"}</c>, https://www.mongodb.com/docs/manual/reference/operator/aggregation/meta/).</summary>
    public static PipelineDefinition<Investigation, ScoredDocument<Investigation>> TextSearchPage(string tenantId, string text, int skip, int limit)
        => new EmptyPipelineDefinition<Investigation>()
            .Match(TextSearch(tenantId, text))
            .Project<Investigation, Investigation, ScoredDocument<Investigation>>(ScoredProjection("textScore"))
            .Sort(ByScore)
            .Skip(skip)
            .Limit(limit);

    private static SortDefinition<ScoredDocument<Investigation>> ByScore { get; } =
        Builders<ScoredDocument<Investigation>>.Sort.Descending(s => s.Score).Ascending(s => s.Document.InvestigationId);

    /// <summary>Builders cannot project <c>$$ROOT</c> next to a <c>$meta</c> value; this stage is the one literal.</summary>
    private static BsonDocument ScoredProjection(string meta) => new()
    {
        { "_id", 0 },
        { ScoredDocument<Investigation>.DocumentField, "$$ROOT" },
        { ScoredDocument<Investigation>.ScoreField, new BsonDocument("$meta", meta) },
    };
}
