using MongoDB.Bson;
using MongoDB.Driver;
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

    /// <summary>
    /// The unique indexes of the first Decision 4 (ids unique across tenants), by their server default names. They
    /// would keep another tenant from using an id, so the bootstrapper drops each one once its per-tenant
    /// replacement (led by tenant_id) exists; dropping a unique index only relaxes a constraint.
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
    ];

    public static IndexCatalog For(MongoSettings settings)
    {
        var collections = All.Select(name => new RequiredCollection(name, settings.EnableTimeSeries ? TimeSeriesOf(name) : null)).ToList();
        var search = new List<RequiredSearchIndex>();
        if (settings.EnableVectorSearch) search.Add(AnomalyVectorIndex(settings.VectorSearchIndex, settings.EmbeddingDimension));
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

    private static List<RequiredIndex> RegularIndexes() =>
    [
        Unique(Investigations, ("tenant_id", 1), ("investigation_id", 1)),
        Index(Investigations, ("tenant_id", 1), ("user_id", 1), ("created_at", -1)),
        Index(Investigations, ("tenant_id", 1), ("status", 1), ("updated_at", -1)),
        Index(Investigations, ("tenant_id", 1), ("updated_at", -1)),
        InvestigationsText(),

        Unique(Detectors, ("tenant_id", 1), ("detector_id", 1)),
        Index(Detectors, ("tenant_id", 1), ("enabled", 1)),
        Index(Detectors, ("tenant_id", 1), ("type", 1), ("enabled", 1)),
        Index(Detectors, ("tenant_id", 1), ("created_at", -1)),

        // A regular collection (Decision 2), so the server enforces run_id per tenant (Decision 4); runs keep the
        // earlier system's shape, with the tenant under metadata. On a time series left by the earlier system the
        // bootstrapper creates it non-unique (time series take no unique index, see RequiredIndex.OnTimeSeries).
        Unique(DetectionRuns, ("metadata.tenant_id", 1), ("run_id", 1)),
        Index(DetectionRuns, ("metadata.tenant_id", 1), ("started_at", -1)),
        Index(DetectionRuns, ("metadata.tenant_id", 1), ("metadata.detector_id", 1), ("started_at", -1)),
        Index(DetectionRuns, ("metadata.tenant_id", 1), ("metadata.status", 1), ("started_at", -1)),

        Unique(AnomalyEvents, ("tenant_id", 1), ("anomaly_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("run_id", 1), ("created_at", -1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("detector_id", 1), ("score", -1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("status", 1), ("severity", -1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("investigation_id", 1)),
        Index(AnomalyEvents, ("tenant_id", 1), ("score", -1)),

        Unique(TransactionScores, ("tenant_id", 1), ("investigation_id", 1), ("transaction_id", 1)),
        Index(TransactionScores, ("tenant_id", 1), ("investigation_id", 1), ("risk_score", -1)),
        Index(TransactionScores, ("tenant_id", 1), ("created_at", -1)),

        Index(AuditLog, ("entry_id", 1)),
        Index(AuditLog, ("metadata.tenant_id", 1), ("metadata.investigation_id", 1), ("timestamp", -1)),
        Index(AuditLog, ("metadata.tenant_id", 1), ("timestamp", -1)),
        Index(AuditLog, ("metadata.tenant_id", 1), ("metadata.action_type", 1), ("timestamp", -1)),

        Unique(Templates, ("tenant_id", 1), ("template_id", 1)),
        Unique(Templates, ("tenant_id", 1), ("user_id", 1), ("name", 1)),
        Index(Templates, ("tenant_id", 1), ("usage_count", -1)),

        Unique(ComposioConnections, ("tenant_id", 1), ("connection_id", 1)),
        Index(ComposioConnections, ("tenant_id", 1), ("toolkit_name", 1), ("status", 1)),
        Index(ComposioConnections, ("tenant_id", 1), ("created_at", -1)),

        Unique(ComposioActionAudits, ("tenant_id", 1), ("audit_id", 1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("executed_at", -1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("connection_id", 1), ("executed_at", -1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("toolkit_name", 1), ("executed_at", -1)),
        Index(ComposioActionAudits, ("tenant_id", 1), ("status", 1), ("retry_count", 1)),

        Unique(SoarPlaybookExecutions, ("tenant_id", 1), ("execution_id", 1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("started_at", -1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("status", 1), ("started_at", -1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("investigation_id", 1), ("started_at", -1)),
        Index(SoarPlaybookExecutions, ("tenant_id", 1), ("playbook_id", 1), ("started_at", -1)),
    ];

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
