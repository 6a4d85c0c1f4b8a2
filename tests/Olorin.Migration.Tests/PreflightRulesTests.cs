using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Migration.Canonical;
using Olorin.Migration.Preflight;

namespace Olorin.Migration.Tests;

/// <summary>The preflight rules, applied to documents as the scanner applies them (canonical form + inspection).</summary>
public sealed class PreflightRulesTests
{
    private static List<PreflightFinding> Check(object document, TargetLimits limits, bool timeSeries = false, float[]? embedding = null)
    {
        var inspection = new CanonicalInspection();
        var bytes = inspection.Inspect(document);
        return PreflightRules.Check("c", timeSeries, new DocumentKey("t", "id-1"), bytes.Length, CanonicalInspectionView.Of(inspection), embedding, limits).ToList();
    }

    private static Detector Detector(JsonObject filters, double? sensitivity = 0.5, DateTime? created = null) => new()
    {
        DetectorId = "id-1", TenantId = "t", Name = "d",
        CohortBy = new JsonObject { ["dimensions"] = new JsonArray(), ["filters"] = filters },
        Params = new JsonObject { ["sensitivity"] = sensitivity },
        CreatedAt = created ?? new DateTime(2026, 1, 1, 0, 0, 0, 5, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2026, 1, 1, 0, 0, 0, 5, DateTimeKind.Utc),
    };

    [Fact]
    public void A_clean_document_has_no_finding_on_either_backend()
    {
        Assert.Empty(Check(Detector([]), TargetLimits.MongoDb));
        Assert.Empty(Check(Detector([]), TargetLimits.PostgreSql));
    }

    [Fact]
    public void Dollar_and_dotted_free_form_keys_are_named_for_mongodb_only()
    {
        var document = Detector(new JsonObject { ["$where"] = 1, ["nested"] = new JsonObject { ["a.b"] = 2 } });
        var finding = Assert.Single(Check(document, TargetLimits.MongoDb));
        Assert.Equal(PreflightRules.FreeFormKey, finding.Rule);
        Assert.Equal(new DocumentKey("t", "id-1"), finding.Key);
        Assert.Contains("$where", finding.Detail);
        Assert.Contains("nested.a.b", finding.Detail);
        Assert.Empty(Check(document, TargetLimits.PostgreSql));
    }

    [Fact]
    public void Non_finite_numbers_are_named()
    {
        var finding = Assert.Single(Check(Detector([], sensitivity: double.NaN), TargetLimits.MongoDb));
        Assert.Equal(PreflightRules.NonFinite, finding.Rule);
        Assert.Contains("NaN", finding.Detail);
    }

    [Fact]
    public void Timestamps_finer_than_the_target_are_named()
    {
        var microseconds = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1234_560);
        var finding = Assert.Single(Check(Detector([], created: microseconds), TargetLimits.MongoDb));
        Assert.Equal(PreflightRules.TimestampPrecision, finding.Rule);
        Assert.Contains("2026-01-01T00:00:00.1234560Z", finding.Detail);
        Assert.Contains("milliseconds", finding.Detail);
        Assert.Empty(Check(Detector([], created: microseconds), TargetLimits.PostgreSql)); // PostgreSQL keeps microseconds
        Assert.Equal(PreflightRules.TimestampPrecision, Assert.Single(Check(Detector([], created: microseconds.AddTicks(1)), TargetLimits.PostgreSql)).Rule);
    }

    [Fact]
    public void Embeddings_of_the_wrong_dimension_are_named()
    {
        var finding = Assert.Single(Check(Detector([]), TargetLimits.MongoDb, embedding: new float[768]));
        Assert.Equal(PreflightRules.EmbeddingDimension, finding.Rule);
        Assert.Contains("768", finding.Detail);
        Assert.Empty(Check(Detector([]), TargetLimits.MongoDb, embedding: new float[384]));
    }

    [Fact]
    public void Documents_over_the_size_limit_are_named_with_the_time_series_limit_where_it_applies()
    {
        var large = Detector(new JsonObject { ["blob"] = new string('x', 5 * 1024 * 1024) });
        Assert.Empty(Check(large, TargetLimits.MongoDb, timeSeries: false));
        var finding = Assert.Single(Check(large, TargetLimits.MongoDb, timeSeries: true));
        Assert.Equal(PreflightRules.TooLarge, finding.Rule);
        Assert.Contains("time series", finding.Detail);
    }

    [Fact]
    public void Nul_characters_are_named_for_postgresql_only()
    {
        var document = Detector(new JsonObject { ["note"] = "a\u0000b" });
        Assert.Equal(PreflightRules.NulCharacter, Assert.Single(Check(document, TargetLimits.PostgreSql)).Rule);
        Assert.Empty(Check(document, TargetLimits.MongoDb));
    }
}
