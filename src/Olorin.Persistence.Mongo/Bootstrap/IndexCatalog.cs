using Olorin.Persistence.Mongo.Settings;
using static Olorin.Persistence.Mongo.MongoCollectionNames;

namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// Everything the database must hold, as data: the ten collections (audit_log a time series when enabled), their indexes
/// (DATA-MODEL.md Idx-A adapted by Decision 4, revised: business ids unique per tenant — unique (tenant_id, id) —
/// and every query index led by the tenant) and
/// the Atlas search indexes. The bootstrapper creates from it; status and verification report present/missing by name.
/// </summary>
public sealed class IndexCatalog
{
    public const string InvestigationsSearchIndex = "investigations_search";
    public const string InvestigationsTextIndex = "investigations_text";

    /// <summary>The Atlas Vector Search index over investigation embeddings (semantic search).</summary>
    public const string InvestigationsVectorIndex = "investigations_vector";

    /// <summary>
    /// Never a field of ours: a text index reads each document's language from <c>language</c> by default, so a
    /// free-form <c>language: "klingon"</c> inside findings would make the insert fail.
    /// </summary>
    public const string TextLanguageOverrideField = "olorin_text_language";

    private IndexCatalog(IReadOnlyList<RequiredCollection> collections, IReadOnlyList<RequiredIndex> indexes, IReadOnlyList<RequiredSearchIndex> searchIndexes)
    {
        Collections = collections;
        Indexes = indexes;
        SearchIndexes = searchIndexes;
    }

    public IReadOnlyList<RequiredCollection> Collections { get; }
    public IReadOnlyList<RequiredIndex> Indexes { get; }

    /// <summary>Only those whose feature is enabled in the settings.</summary>
    public IReadOnlyList<RequiredSearchIndex> SearchIndexes { get; }

    public IEnumerable<RequiredIndex> IndexesOf(string collection) => Indexes.Where(i => i.Collection == collection);

    /// <summary>The indexes of <paramref name="collection"/> the server should hold, given whether <c>investigations_search</c> serves.</summary>
    public IEnumerable<RequiredIndex> IndexesOf(string collection, bool atlasSearchServes) => IndexesOf(collection).Where(i => IsWanted(i, atlasSearchServes));

    /// <summary>
    /// Whether <paramref name="index"/> should exist: every index, except the wildcard <c>$text</c> index where
    /// <c>investigations_search</c> serves full-text search (usable: queryable, with a definition that fits). There
    /// the text index would only cost writes — a text index holds an entry per distinct word of every indexed string
    /// of every document, maintained on each insert and update, and this one indexes every string (<c>$**</c>)
    /// (https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/; on Atlas the manual points full-text
    /// search to Atlas Search) — for queries <c>$search</c> answers. Decided at each bootstrap from the search-index verdicts; see
    /// <see cref="MongoBootstrapper.EnsureAsync"/> for what happens when the answer changes.
    /// </summary>
    public static bool IsWanted(RequiredIndex index, bool atlasSearchServes) => !(index.UnlessAtlasSearchServes && atlasSearchServes);

    /// <summary>
    /// Indexes earlier catalogs created that this one replaces, by their server default names: the unique indexes of
    /// the first Decision 4 (ids unique across tenants, which would keep another tenant from using an id) and the list
    /// indexes that lacked the sort's tie-breaker (each a prefix of its replacement, so the replacement serves every
    /// query it served). The bootstrapper drops one only once every index the catalog wants on that collection
    /// exists; dropping only relaxes a constraint or removes a redundant index.
    /// </summary>
    public static IReadOnlyList<(string Collection, string Name)> Superseded { get; } =
    [
        (Investigations, "investigation_id_1"),
        (Detectors, "detector_id_1"),
        (AnomalyEvents, "anomaly_id_1"),
        (TransactionScores, "investigation_id_1_transaction_id_1"),
        (Templates, "template_id_1"),
        (ComposioConnections, "connection_id_1"),
        (ComposioActionAudits, "audit_id_1"),
        (SoarPlaybookExecutions, "execution_id_1"),

        (Investigations, "tenant_id_1_user_id_1_created_at_-1"),
        (Investigations, "tenant_id_1_status_1_updated_at_-1"),
        (Investigations, "tenant_id_1_updated_at_-1"),
        (Detectors, "tenant_id_1_enabled_1"),
        (Detectors, "tenant_id_1_type_1_enabled_1"),
        (Detectors, "tenant_id_1_created_at_-1"),
        (DetectionRuns, "metadata.tenant_id_1_started_at_-1"),
        (DetectionRuns, "metadata.tenant_id_1_metadata.detector_id_1_started_at_-1"),
        (DetectionRuns, "metadata.tenant_id_1_metadata.status_1_started_at_-1"),
        (AnomalyEvents, "tenant_id_1_run_id_1_created_at_-1"),
        (AnomalyEvents, "tenant_id_1_detector_id_1_score_-1"),
        (AnomalyEvents, "tenant_id_1_status_1_severity_-1"),
        (AnomalyEvents, "tenant_id_1_investigation_id_1"),
        (AnomalyEvents, "tenant_id_1_score_-1"),
        (TransactionScores, "tenant_id_1_investigation_id_1_risk_score_-1"),
        (AuditLog, "metadata.tenant_id_1_metadata.investigation_id_1_timestamp_-1"),
        (AuditLog, "metadata.tenant_id_1_timestamp_-1"),
        (AuditLog, "metadata.tenant_id_1_metadata.action_type_1_timestamp_-1"),
        (Templates, "tenant_id_1_usage_count_-1"),
        (ComposioConnections, "tenant_id_1_toolkit_name_1_status_1"),
        (ComposioConnections, "tenant_id_1_created_at_-1"),
        (ComposioActionAudits, "tenant_id_1_executed_at_-1"),
        (ComposioActionAudits, "tenant_id_1_connection_id_1_executed_at_-1"),
        (ComposioActionAudits, "tenant_id_1_toolkit_name_1_executed_at_-1"),
        (ComposioActionAudits, "tenant_id_1_status_1_retry_count_1"),
        (SoarPlaybookExecutions, "tenant_id_1_started_at_-1"),
        (SoarPlaybookExecutions, "tenant_id_1_status_1_started_at_-1"),
        (SoarPlaybookExecutions, "tenant_id_1_investigation_id_1_started_at_-1"),
        (SoarPlaybookExecutions, "tenant_id_1_playbook_id_1_started_at_-1"),
    ];

    public static IndexCatalog For(MongoSettings settings)
    {
        var collections = All.Select(name => new RequiredCollection(name, settings.EnableTimeSeries ? TimeSeriesOf(name) : null)).ToList();
        var search = new List<RequiredSearchIndex>();
        if (settings.EnableVectorSearch)
        {
            search.Add(AnomalyVectorIndex(settings.VectorSearchIndex, settings.EmbeddingDimension));
            search.Add(InvestigationVectorIndex(settings.EmbeddingDimension));
        }
        if (settings.EnableAtlasSearch) search.Add(InvestigationsSearch());
        return new IndexCatalog(collections, RegularIndexes(), search);
    }

    /// <summary>How the earlier system created <c>detection_runs</c> (DATA-MODEL §3); bootstrap no longer does.</summary>
    public static TimeSeriesSpec LegacyDetectionRunsTimeSeries { get; } = new("started_at", "metadata", TimeSeriesGranularity.Minutes);

    private static TimeSeriesSpec? TimeSeriesOf(string collection) => collection switch
    {
        AuditLog => new TimeSeriesSpec("timestamp", "metadata", TimeSeriesGranularity.Seconds),
        _ => null,
    };

    // Every list query is served by an index, so a page never costs a blocking sort over everything the filter
    // matches: the index holds the query's equality fields, then exactly the sort keys — the tie-breaker last — in
    // the sort's directions (or all reversed). "The sort keys must be listed in the same order as they appear in the
    // index", with "the same sort direction for all its keys as the index key pattern or the reverse", and an index
    // supports a sort on a non-prefix subset of its keys only when "the query include[s] equality conditions on all
    // the prefix keys that precede the sort keys" (https://www.mongodb.com/docs/manual/tutorial/sort-results-with-indexes/).
    // Each optional equality filter of a list has its own index (tenant, filter, sort…); a query combining filters
    // is served by one of them, the other equalities checked on the fetched documents. A range on a sort key
    // (min score, from/to) bounds the same index. ListSortCoverageTests checks every list query against this.
    private static List<RequiredIndex> RegularIndexes() =>
    [
        Unique(Investigations, ("tenant_id", 1), ("investigation_id", 1)),
        Index(Investigations, ("tenant_id", 1), ("updated_at", -1), ("investigation_id", 1)),
        Index(Investigations, ("tenant_id", 1), ("status", 1), ("updated_at", -1), ("investigation_id", 1)),
        Index(Investigations, ("tenant_id", 1), ("user_id", 1), ("updated_at", -1), ("investigation_id", 1)),
        InvestigationTombstones(),
        InvestigationsText(),

        Unique(Detectors, ("tenant_id", 1), ("detector_id", 1)),
        Index(Detectors, ("tenant_id", 1), ("created_at", -1), ("detector_id", 1)),
        Index(Detectors, ("tenant_id", 1), ("type", 1), ("created_at", -1), ("detector_id", 1)),
        Index(Detectors, ("tenant_id", 1), ("enabled", 1), ("created_at", -1), ("detector_id", 1)),

        // A regular collection (Decision 2), so the server enforces run_id per tenant (Decision 4); runs keep the
        // earlier system's shape, with the tenant under metadata. On a time series left by the earlier system the
        // bootstrapper creates it non-unique (time series take no unique index, see RequiredIndex.OnTimeSeries).
        Unique(DetectionRuns, ("metadata.tenant_id", 1), ("run_id", 1)),
        Index(DetectionRuns, ("metadata.tenant_id", 1), ("started_at", -1), ("run_id", 1)),
        Index(DetectionRuns, ("metadata.tenant_id", 1), ("metadata.detector_id", 1), ("started_at", -1), ("run_id", 1)),
        Index(DetectionRuns, ("metadata.tenant_id", 1), ("metadata.status", 1), ("started_at", -1), ("run_id", 1)),
        // The percentile reads (n-th shortest duration): an index walk to the rank instead of a top-k sort per percentile.
        Index(DetectionRuns, ("metadata.tenant_id", 1), ("duration_ms", 1), ("run_id", 1)),

        Unique(AnomalyEvents, ("tenant_id", 1), ("anomaly_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("score", -1), ("anomaly_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("run_id", 1), ("score", -1), ("anomaly_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("detector_id", 1), ("score", -1), ("anomaly_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("investigation_id", 1), ("score", -1), ("anomaly_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("severity", 1), ("score", -1), ("anomaly_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("status", 1), ("score", -1), ("anomaly_id", 1)),

        Unique(TransactionScores, ("tenant_id", 1), ("investigation_id", 1), ("transaction_id", 1)),
        Index(TransactionScores, ("tenant_id", 1), ("investigation_id", 1), ("risk_score", -1), ("transaction_id", 1)),
        Index(TransactionScores, ("tenant_id", 1), ("created_at", -1)),

        // audit_log is a time series by default. There an index on a measurement field (entry_id) is kept per bucket
        // (its min and max), so it narrows buckets but cannot give the tie-breaker's order: the equality + timestamp
        // part is served ("sort operations on time series collections can use secondary indexes on the timeField",
        // https://www.mongodb.com/docs/manual/core/timeseries/timeseries-secondary-index/) and only entries sharing a
        // timestamp are sorted. As a regular collection (MONGODB_ENABLE_TIME_SERIES=false) the whole sort is served.
        Index(AuditLog, ("entry_id", 1)),
        Index(AuditLog, ("metadata.tenant_id", 1), ("timestamp", -1), ("entry_id", -1)),
        Index(AuditLog, ("metadata.tenant_id", 1), ("metadata.investigation_id", 1), ("timestamp", -1), ("entry_id", -1)),
        Index(AuditLog, ("metadata.tenant_id", 1), ("metadata.action_type", 1), ("timestamp", -1), ("entry_id", -1)),
        Index(AuditLog, ("metadata.tenant_id", 1), ("metadata.user_id", 1), ("timestamp", -1), ("entry_id", -1)),

        Unique(Templates, ("tenant_id", 1), ("template_id", 1)),
        Unique(Templates, ("tenant_id", 1), ("user_id", 1), ("name", 1)),
        Index(Templates, ("tenant_id", 1), ("usage_count", -1), ("name", 1), ("template_id", 1)),
        Index(Templates, ("tenant_id", 1), ("user_id", 1), ("usage_count", -1), ("name", 1), ("template_id", 1)),
        // Multikey on tags; the sort keys are not arrays, so the index can still give the order
        // (https://www.mongodb.com/docs/manual/core/indexes/index-types/index-multikey/#sorting).
        Index(Templates, ("tenant_id", 1), ("tags", 1), ("usage_count", -1), ("name", 1), ("template_id", 1)),

        Unique(ComposioConnections, ("tenant_id", 1), ("connection_id", 1)),
        Index(ComposioConnections, ("tenant_id", 1), ("created_at", -1), ("connection_id", 1)),
        Index(ComposioConnections, ("tenant_id", 1), ("toolkit_name", 1), ("created_at", -1), ("connection_id", 1)),
        Index(ComposioConnections, ("tenant_id", 1), ("status", 1), ("created_at", -1), ("connection_id", 1)),

        Unique(ComposioActionAudits, ("tenant_id", 1), ("audit_id", 1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("executed_at", -1), ("audit_id", 1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("connection_id", 1), ("executed_at", -1), ("audit_id", 1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("toolkit_name", 1), ("executed_at", -1), ("audit_id", 1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("status", 1), ("executed_at", -1), ("audit_id", 1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("execution_id", 1), ("executed_at", -1), ("audit_id", 1)),
        // Failed actions oldest first (executed_at, audit_id both ascending: not the reverse of the list order).
        Index(ComposioActionAudits, ("tenant_id", 1), ("status", 1), ("executed_at", 1), ("audit_id", 1)),

        Unique(SoarPlaybookExecutions, ("tenant_id", 1), ("execution_id", 1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("started_at", -1), ("execution_id", 1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("status", 1), ("started_at", -1), ("execution_id", 1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("investigation_id", 1), ("started_at", -1), ("execution_id", 1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("playbook_id", 1), ("started_at", -1), ("execution_id", 1)),
    ];

    /// <summary>
    /// The deleted investigations whose DELETE entry has not moved yet (<see cref="Repositories.PendingAudit"/>), by
    /// tenant and status: a partial index on <c>{olorin_deleted_at: {$exists: true}}</c>, so it holds only those
    /// tombstones (few, and each only until the relay removes it). A list total is every document of the tenant (and
    /// status) — an index-only count on the list indexes' equality prefix — minus the tombstones counted here
    /// (<see cref="Repositories.InvestigationFilters.ListCount"/>). A partial index on the live documents instead is
    /// not possible: a partial filter accepts <c>$exists: true</c>, not <c>$exists: false</c>
    /// (https://www.mongodb.com/docs/manual/core/index-partial/#create-a-partial-index).
    /// </summary>
    private static RequiredIndex InvestigationTombstones() =>
        new(Investigations, new BsonDocument { { "tenant_id", 1 }, { "status", 1 } }, ExplicitName: "tenant_id_1_status_1_tombstones")
        {
            PartialFilter = new BsonDocument(Repositories.PendingAudit.DeletedField, new BsonDocument("$exists", true)),
        };

    /// <summary>
    /// The non-Atlas fallback for investigation search. A text index on <c>results.findings</c> would index only
    /// string elements of that array, and findings are objects; a text index cannot name a path below a free-form
    /// object either. So this is the wildcard text index (<c>$**</c>: every string anywhere in the document,
    /// findings' nested strings included) led by <c>tenant_id</c> — which makes every <c>$text</c> query state its
    /// tenant by equality, as Decision 4 wants — with the named fields weighted above incidental strings.
    /// Language "none": identifiers and e-mail addresses are matched as written, without stemming or stop words.
    /// </summary>
    private static RequiredIndex InvestigationsText() =>
        new(Investigations, new BsonDocument { { "tenant_id", 1 }, { "$**", "text" } }, ExplicitName: InvestigationsTextIndex)
        {
            Weights = new BsonDocument
            {
                { "settings.name", 10 },
                { "settings.entity_value", 10 },
                { "settings.entities.entity_value", 8 },
                { "results.summary", 5 },
            },
            DefaultLanguage = "none",
            LanguageOverride = TextLanguageOverrideField,
            UnlessAtlasSearchServes = true,
        };

    /// <summary>DATA-MODEL.md §4: 384 dimensions, cosine, filterable on tenant, severity and detector.</summary>
    public static RequiredSearchIndex AnomalyVectorIndex(string name, int dimensions) => new(
        AnomalyEvents, name, SearchIndexType.VectorSearch,
        new BsonDocument("fields", new BsonArray
        {
            new BsonDocument { { "type", "vector" }, { "path", "embedding" }, { "numDimensions", dimensions }, { "similarity", "cosine" } },
            new BsonDocument { { "type", "filter" }, { "path", "tenant_id" } },
            new BsonDocument { { "type", "filter" }, { "path", "severity" } },
            new BsonDocument { { "type", "filter" }, { "path", "detector_id" } },
        }),
        SearchFeature.VectorSearch);

    /// <summary>
    /// Semantic investigation search: the server's embedding of settings, findings and summary, 384 dimensions,
    /// cosine, filterable on the tenant (https://www.mongodb.com/docs/atlas/atlas-vector-search/vector-search-type/).
    /// </summary>
    public static RequiredSearchIndex InvestigationVectorIndex(int dimensions) => new(
        Investigations, InvestigationsVectorIndex, SearchIndexType.VectorSearch,
        new BsonDocument("fields", new BsonArray
        {
            new BsonDocument { { "type", "vector" }, { "path", "embedding" }, { "numDimensions", dimensions }, { "similarity", "cosine" } },
            new BsonDocument { { "type", "filter" }, { "path", "tenant_id" } },
        }),
        SearchFeature.VectorSearch);

    /// <summary>
    /// The deployment guide's <c>investigations_search</c> (Step 1.6) plus <c>settings.name</c>, written as nested
    /// <c>document</c> mappings (the form static mappings take for sub-fields). <c>results.findings</c> holds objects,
    /// which a <c>string</c> mapping would not index; it is a dynamic document, so every string inside a finding is
    /// searchable (query it with the wildcard path <c>results.findings.*</c>). <c>tenant_id</c> is a token so a
    /// <c>$search</c> can filter the tenant with <c>equals</c> inside the search stage.
    /// </summary>
    public static RequiredSearchIndex InvestigationsSearch()
    {
        static BsonDocument Text() => new() { { "type", "string" }, { "analyzer", "lucene.standard" } };
        var definition = new BsonDocument("mappings", new BsonDocument
        {
            { "dynamic", false },
            { "fields", new BsonDocument
                {
                    { "tenant_id", new BsonDocument("type", "token") },
                    { "settings", new BsonDocument
                        {
                            { "type", "document" },
                            { "fields", new BsonDocument
                                {
                                    { "name", Text() },
                                    { "entity_value", Text() },
                                    { "entities", new BsonDocument { { "type", "document" }, { "fields", new BsonDocument("entity_value", Text()) } } },
                                }
                            },
                        }
                    },
                    { "results", new BsonDocument
                        {
                            { "type", "document" },
                            { "fields", new BsonDocument
                                {
                                    { "summary", Text() },
                                    { "findings", new BsonDocument { { "type", "document" }, { "dynamic", true } } },
                                }
                            },
                        }
                    },
                }
            },
        });
        return new RequiredSearchIndex(Investigations, InvestigationsSearchIndex, SearchIndexType.Search, definition, SearchFeature.AtlasSearch);
    }

    private static RequiredIndex Unique(string collection, params (string Field, int Direction)[] keys) => new(collection, Keys(keys), Unique: true);

    private static RequiredIndex Index(string collection, params (string Field, int Direction)[] keys) => new(collection, Keys(keys));

    private static BsonDocument Keys((string Field, int Direction)[] keys) => new(keys.Select(k => new BsonElement(k.Field, k.Direction)));
}
