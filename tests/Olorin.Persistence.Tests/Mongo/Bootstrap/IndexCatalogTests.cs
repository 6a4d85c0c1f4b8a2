using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Bootstrap;

/// <summary>The catalog renders exactly the collections, indexes and search indexes DATA-MODEL.md and Decisions 2 and 4 ask for.</summary>
public sealed class IndexCatalogTests
{
    private static readonly IndexCatalog Catalog = IndexCatalog.For(new MongoSettings());

    private static string[] Specs(string collection) => Catalog.IndexesOf(collection).Select(i => i.ToSpec().ToJson()).ToArray();

    [Fact]
    public void All_ten_collections_are_required_and_only_audit_log_is_a_time_series()
    {
        Assert.Equal(MongoCollectionNames.All, Catalog.Collections.Select(c => c.Name));
        Assert.Equal(
            """{ "timeField" : "timestamp", "metaField" : "metadata", "granularity" : "seconds" }""",
            Catalog.Collections.Single(c => c.Name == "audit_log").TimeSeries!.ToDocument().ToJson());
        Assert.Equal(["audit_log"], Catalog.Collections.Where(c => c.TimeSeries is not null).Select(c => c.Name));
        // Decision 2 (revised): runs change status, which MongoDB 8.0 still cannot do to a time-series measurement.
        Assert.Null(Catalog.Collections.Single(c => c.Name == "detection_runs").ToCreateOptions().TimeSeriesOptions);
    }

    [Fact]
    public void The_time_series_create_options_carry_the_fields_and_granularity()
    {
        var options = Catalog.Collections.Single(c => c.Name == "audit_log").ToCreateOptions().TimeSeriesOptions!;

        Assert.Equal("timestamp", options.TimeField);
        Assert.Equal("metadata", options.MetaField);
        Assert.Equal(TimeSeriesGranularity.Seconds, options.Granularity);
    }

    [Fact]
    public void Without_time_series_every_collection_is_regular()
    {
        var catalog = IndexCatalog.For(new MongoSettings { EnableTimeSeries = false });

        Assert.All(catalog.Collections, c => Assert.Null(c.TimeSeries));
        Assert.Null(catalog.Collections.Single(c => c.Name == "detection_runs").ToCreateOptions().TimeSeriesOptions);
    }

    [Fact]
    public void Investigations_indexes()
        => Assert.Equal(
        [
            """{ "key" : { "tenant_id" : 1, "investigation_id" : 1 }, "name" : "tenant_id_1_investigation_id_1", "unique" : true }""",
            """{ "key" : { "tenant_id" : 1, "updated_at" : -1, "investigation_id" : 1 }, "name" : "tenant_id_1_updated_at_-1_investigation_id_1" }""",
            """{ "key" : { "tenant_id" : 1, "status" : 1, "updated_at" : -1, "investigation_id" : 1 }, "name" : "tenant_id_1_status_1_updated_at_-1_investigation_id_1" }""",
            """{ "key" : { "tenant_id" : 1, "user_id" : 1, "updated_at" : -1, "investigation_id" : 1 }, "name" : "tenant_id_1_user_id_1_updated_at_-1_investigation_id_1" }""",
            """{ "key" : { "tenant_id" : 1, "status" : 1 }, "name" : "tenant_id_1_status_1_tombstones", "partialFilterExpression" : { "olorin_deleted_at" : { "$exists" : true } } }""",
            """{ "key" : { "tenant_id" : 1, "$**" : "text" }, "name" : "investigations_text", "weights" : { "settings.name" : 10, "settings.entity_value" : 10, "settings.entities.entity_value" : 8, "results.summary" : 5 }, "default_language" : "none", "language_override" : "olorin_text_language" }""",
        ], Specs("investigations"));

    [Fact]
    public void Detection_run_indexes_make_run_id_unique_per_tenant()
        => Assert.Equal(
        [
            """{ "key" : { "metadata.tenant_id" : 1, "run_id" : 1 }, "name" : "metadata.tenant_id_1_run_id_1", "unique" : true }""",
            """{ "key" : { "metadata.tenant_id" : 1, "started_at" : -1, "run_id" : 1 }, "name" : "metadata.tenant_id_1_started_at_-1_run_id_1" }""",
            """{ "key" : { "metadata.tenant_id" : 1, "metadata.detector_id" : 1, "started_at" : -1, "run_id" : 1 }, "name" : "metadata.tenant_id_1_metadata.detector_id_1_started_at_-1_run_id_1" }""",
            """{ "key" : { "metadata.tenant_id" : 1, "metadata.status" : 1, "started_at" : -1, "run_id" : 1 }, "name" : "metadata.tenant_id_1_metadata.status_1_started_at_-1_run_id_1" }""",
            """{ "key" : { "metadata.tenant_id" : 1, "duration_ms" : 1, "run_id" : 1 }, "name" : "metadata.tenant_id_1_duration_ms_1_run_id_1" }""",
        ], Specs("detection_runs"));

    [Fact]
    public void On_a_legacy_detection_runs_time_series_the_unique_index_is_created_non_unique_under_the_same_name()
    {
        var unique = Catalog.IndexesOf("detection_runs").First();

        Assert.Equal(
            """{ "key" : { "metadata.tenant_id" : 1, "run_id" : 1 }, "name" : "metadata.tenant_id_1_run_id_1" }""",
            unique.OnTimeSeries().ToSpec().ToJson());
        Assert.False(unique.OnTimeSeries().ToCreateModel().Options.Unique ?? false);
    }

    [Fact]
    public void Time_series_indexes_are_non_unique_and_led_by_the_metadata_tenant()
    {
        Assert.Equal(
        [
            """{ "key" : { "entry_id" : 1 }, "name" : "entry_id_1" }""",
            """{ "key" : { "metadata.tenant_id" : 1, "timestamp" : -1, "entry_id" : -1 }, "name" : "metadata.tenant_id_1_timestamp_-1_entry_id_-1" }""",
            """{ "key" : { "metadata.tenant_id" : 1, "metadata.investigation_id" : 1, "timestamp" : -1, "entry_id" : -1 }, "name" : "metadata.tenant_id_1_metadata.investigation_id_1_timestamp_-1_entry_id_-1" }""",
            """{ "key" : { "metadata.tenant_id" : 1, "metadata.action_type" : 1, "timestamp" : -1, "entry_id" : -1 }, "name" : "metadata.tenant_id_1_metadata.action_type_1_timestamp_-1_entry_id_-1" }""",
            """{ "key" : { "metadata.tenant_id" : 1, "metadata.user_id" : 1, "timestamp" : -1, "entry_id" : -1 }, "name" : "metadata.tenant_id_1_metadata.user_id_1_timestamp_-1_entry_id_-1" }""",
        ], Specs("audit_log"));
    }

    [Fact]
    public void Unique_keys_of_scores_and_templates()
    {
        Assert.Equal("""{ "key" : { "tenant_id" : 1, "investigation_id" : 1, "transaction_id" : 1 }, "name" : "tenant_id_1_investigation_id_1_transaction_id_1", "unique" : true }""",
            Specs("transaction_scores")[0]);
        Assert.Contains("""{ "key" : { "tenant_id" : 1, "user_id" : 1, "name" : 1 }, "name" : "tenant_id_1_user_id_1_name_1", "unique" : true }""",
            Specs("templates"));
    }

    [Fact]
    public void Every_index_is_unique_or_led_by_the_tenant()
    {
        foreach (var index in Catalog.Indexes)
        {
            var first = index.Keys.GetElement(0).Name;
            var timeSeries = Catalog.Collections.Single(c => c.Name == index.Collection).TimeSeries is not null;
            var isIdLookup = index.Keys.ElementCount == 1 && first.EndsWith("_id", StringComparison.Ordinal);
            Assert.True(
                index.Unique || isIdLookup || first == (timeSeries || index.Collection == "detection_runs" ? "metadata.tenant_id" : "tenant_id"),
                $"{index.Collection}.{index.Name} neither unique on an id nor led by the tenant");
            Assert.False(timeSeries && index.Unique, $"{index.Collection}.{index.Name}: a time series cannot have a unique index");
        }
    }

    [Fact]
    public void Every_collection_has_its_business_id_indexed_and_names_are_unique()
    {
        string[] ids = ["investigation_id", "detector_id", "run_id", "anomaly_id", "investigation_id", "entry_id", "template_id", "connection_id", "audit_id", "execution_id"];
        foreach (var (collection, id) in MongoCollectionNames.All.Zip(ids))
            // Ids are unique per tenant (Decision 4 revised): the id is indexed alone, right after the tenant, or last in a unique index.
            Assert.Contains(Catalog.IndexesOf(collection), i => i.Keys.GetElement(0).Name == id
                || (i.Keys.ElementCount >= 2 && i.Keys.GetElement(0).Name == "tenant_id" && i.Keys.GetElement(1).Name == id)
                || (i.Unique && i.Keys.Names.Last() == id));
        Assert.Equal(Catalog.Indexes.Count, Catalog.Indexes.Select(i => $"{i.Collection}.{i.Name}").Distinct().Count());
    }

    [Fact]
    public void The_vector_index_definition()
    {
        var index = Catalog.SearchIndexes.Single(i => i.Feature == SearchFeature.VectorSearch && i.Collection == "anomaly_events");

        Assert.Equal(("anomaly_events", "anomaly_vector_index", SearchIndexType.VectorSearch), (index.Collection, index.Name, index.Type));
        Assert.Equal(
            """{ "fields" : [{ "type" : "vector", "path" : "embedding", "numDimensions" : 384, "similarity" : "cosine" }, { "type" : "filter", "path" : "tenant_id" }, { "type" : "filter", "path" : "severity" }, { "type" : "filter", "path" : "detector_id" }] }""",
            index.Definition.ToJson());
    }

    [Fact]
    public void The_investigations_vector_index_definition()
    {
        var index = Catalog.SearchIndexes.Single(i => i.Feature == SearchFeature.VectorSearch && i.Collection == "investigations");

        Assert.Equal(("investigations", "investigations_vector", SearchIndexType.VectorSearch), (index.Collection, index.Name, index.Type));
        Assert.Equal(
            """{ "fields" : [{ "type" : "vector", "path" : "embedding", "numDimensions" : 384, "similarity" : "cosine" }, { "type" : "filter", "path" : "tenant_id" }] }""",
            index.Definition.ToJson());
    }

    [Fact]
    public void The_investigations_search_definition()
    {
        var index = Catalog.SearchIndexes.Single(i => i.Feature == SearchFeature.AtlasSearch);

        Assert.Equal(("investigations", "investigations_search", SearchIndexType.Search), (index.Collection, index.Name, index.Type));
        Assert.Equal(
            """{ "mappings" : { "dynamic" : false, "fields" : { "tenant_id" : { "type" : "token" }, "settings" : { "type" : "document", "fields" : { "name" : { "type" : "string", "analyzer" : "lucene.standard" }, "entity_value" : { "type" : "string", "analyzer" : "lucene.standard" }, "entities" : { "type" : "document", "fields" : { "entity_value" : { "type" : "string", "analyzer" : "lucene.standard" } } } } }, "results" : { "type" : "document", "fields" : { "summary" : { "type" : "string", "analyzer" : "lucene.standard" }, "findings" : { "type" : "document", "dynamic" : true } } } } } }""",
            index.Definition.ToJson());
    }

    [Fact]
    public void Search_indexes_follow_their_settings()
    {
        Assert.Empty(IndexCatalog.For(new MongoSettings { EnableVectorSearch = false, EnableAtlasSearch = false }).SearchIndexes);
        Assert.Equal(["custom_vectors", "investigations_vector"],
            IndexCatalog.For(new MongoSettings { VectorSearchIndex = "custom_vectors", EnableAtlasSearch = false }).SearchIndexes.Select(i => i.Name));
    }

    [Fact]
    public void The_superseded_global_id_indexes_are_the_ones_the_per_tenant_indexes_replace()
    {
        foreach (var (collection, name) in IndexCatalog.Superseded.Where(s => !s.Name.StartsWith("tenant_id_", StringComparison.Ordinal) && !s.Name.StartsWith("metadata.", StringComparison.Ordinal)))
        {
            Assert.Contains(Catalog.IndexesOf(collection), i => i.Unique && i.Keys.GetElement(0).Name == "tenant_id" && i.Name == "tenant_id_1_" + name);
            Assert.DoesNotContain(Catalog.IndexesOf(collection), i => i.Name == name);
        }
    }

    [Fact]
    public void Each_superseded_list_index_is_a_key_prefix_of_an_index_that_replaces_it()
    {
        var listIndexes = IndexCatalog.Superseded.Where(s => s.Name.StartsWith("tenant_id_", StringComparison.Ordinal) || s.Name.StartsWith("metadata.", StringComparison.Ordinal)).ToList();
        Assert.Equal(29, listIndexes.Count);
        foreach (var (collection, name) in listIndexes)
        {
            Assert.DoesNotContain(Catalog.IndexesOf(collection), i => i.Name == name);
            // A replacement starts with the old name's keys (tie-breaker appended), or, where the old keys were not a
            // list order at all, the replacement holds the same equality field right after the tenant.
            Assert.True(Catalog.IndexesOf(collection).Any(i => i.Name.StartsWith(name + "_", StringComparison.Ordinal))
                || Catalog.IndexesOf(collection).Any(i => i.Keys.ElementCount > 2 && name.StartsWith($"{i.Keys.GetElement(0).Name}_1_{i.Keys.GetElement(1).Name}_1", StringComparison.Ordinal)),
                $"{collection}.{name} has no replacement");
        }
    }

    [Fact]
    public void An_index_created_elsewhere_with_the_same_keys_counts_as_present()
    {
        var index = Catalog.IndexesOf("investigations").First();

        Assert.True(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : 1, "investigation_id" : 1 }, "name" : "legacy_id", "unique" : true }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : 1, "investigation_id" : 1 }, "name" : "legacy_id" }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "investigation_id" : 1 }, "name" : "investigation_id_1", "unique" : true }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "_id" : 1 }, "name" : "_id_" }""")));
    }

    [Fact]
    public void Our_name_on_other_keys_or_uniqueness_is_drift_not_a_match()
    {
        var index = Catalog.IndexesOf("investigations").Single(i => i.Name == "tenant_id_1_user_id_1_updated_at_-1_investigation_id_1");

        Assert.True(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : 1, "user_id" : 1, "updated_at" : -1, "investigation_id" : 1 }, "name" : "tenant_id_1_user_id_1_updated_at_-1_investigation_id_1" }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "user_id" : 1 }, "name" : "tenant_id_1_user_id_1_updated_at_-1_investigation_id_1" }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : 1, "user_id" : 1, "updated_at" : -1, "investigation_id" : 1 }, "name" : "tenant_id_1_user_id_1_updated_at_-1_investigation_id_1", "unique" : true }""")));
    }

    [Fact]
    public void An_index_whose_directions_are_doubles_is_the_same_index()
    {
        // The legacy mongo shell sends 1 as a double; listIndexes then reports 1.0 (and -1.0).
        var index = Catalog.IndexesOf("detectors").Single(i => i.Name == "tenant_id_1_created_at_-1_detector_id_1");

        Assert.True(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : 1.0, "created_at" : -1.0, "detector_id" : 1.0 }, "name" : "by_shell" }""")));
        Assert.True(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : { "$numberLong" : "1" }, "created_at" : -1, "detector_id" : 1 }, "name" : "by_driver" }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : 1.0, "created_at" : 1.0, "detector_id" : 1.0 }, "name" : "other_direction" }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "created_at" : -1, "tenant_id" : 1, "detector_id" : 1 }, "name" : "other_order" }""")));
        Assert.False(index.IsSatisfiedBy(BsonDocument.Parse("""{ "v" : 2, "key" : { "tenant_id" : "hashed", "created_at" : -1, "detector_id" : 1 }, "name" : "hashed" }""")));
    }

    [Fact]
    public void The_text_index_is_recognised_as_list_indexes_reports_it()
    {
        var text = Catalog.IndexesOf("investigations").Single(i => i.IsText);
        var listed = BsonDocument.Parse("""
            { "v" : 2, "key" : { "tenant_id" : 1, "_fts" : "text", "_ftsx" : 1 }, "name" : "other_name",
              "weights" : { "$**" : 1, "results.summary" : 5, "settings.entities.entity_value" : 8, "settings.entity_value" : 10, "settings.name" : 10 },
              "default_language" : "none", "language_override" : "olorin_text_language", "textIndexVersion" : 3 }
            """);

        Assert.True(text.IsSatisfiedBy(listed));
        listed["weights"].AsBsonDocument.Remove("$**");
        Assert.False(text.IsSatisfiedBy(listed));
    }
}
