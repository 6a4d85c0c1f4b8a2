using System.Text.Json.Nodes;
using Olorin.Core.Embeddings;
using Olorin.Core.Models;

namespace Olorin.Core.Tests;

public sealed class EmbeddingTextsTests
{
    [Fact]
    public void An_anomaly_is_described_by_metric_severity_detector_type_cohort_evidence_and_values()
    {
        var anomaly = new AnomalyEvent
        {
            Metric = "chargeback_rate",
            Severity = AnomalySeverity.Critical,
            DetectorId = "det-9",
            Cohort = new JsonObject { ["merchant"] = "m-1", ["country"] = "DE" },
            Evidence = new JsonObject { ["z"] = 4.25, ["why"] = "spike", ["points"] = new JsonArray(1, 2) },
            Observed = 17.25,
            Expected = 2.5,
            Score = 8.75,
        };

        Assert.Equal(
            "anomaly: metric chargeback_rate; severity critical; detector stl_mad; cohort merchant=m-1, country=DE; " +
            "evidence z=4.25, why=spike, points=[1, 2]; observed 17.25, expected 2.5, score 8.75",
            EmbeddingTexts.ForAnomaly(anomaly, DetectorType.StlMad));
        Assert.DoesNotContain("detector", EmbeddingTexts.ForAnomaly(anomaly, null));
    }

    [Fact]
    public void An_investigation_is_described_by_settings_summary_and_findings_and_none_without_text()
    {
        var investigation = new Investigation
        {
            Settings = new JsonObject
            {
                ["name"] = "Card testing",
                ["entity_type"] = "email",
                ["entity_value"] = "a@example.com",
                ["entities"] = new JsonArray(new JsonObject { ["entity_type"] = "ip", ["entity_value"] = "203.0.113.9" }),
                ["investigation_type"] = "hybrid",
                ["unknown_member"] = "kept, not embedded",
            },
            Results = new JsonObject
            {
                ["summary"] = "Many declined authorisations.",
                ["findings"] = new JsonArray(new JsonObject { ["description"] = "velocity spike", ["severity"] = "high" }),
                ["recommendations"] = new JsonArray("block device"),
                ["risk_score"] = 0.9,
            },
        };

        Assert.Equal(
            "investigation: Card testing; entity: email a@example.com, ip 203.0.113.9; type: hybrid; summary: Many declined authorisations.; " +
            "findings: description=velocity spike, severity=high; recommendations: block device",
            EmbeddingTexts.ForInvestigation(investigation));
        Assert.Null(EmbeddingTexts.ForInvestigation(new Investigation()));
        Assert.Null(EmbeddingTexts.ForInvestigation(new Investigation { Settings = new JsonObject { ["name"] = 7 } }));
    }

    [Fact]
    public void Texts_are_capped_at_what_the_model_reads()
    {
        var anomaly = new AnomalyEvent { Metric = new string('m', 5_000) };

        Assert.Equal(EmbeddingTexts.MaxLength, EmbeddingTexts.ForAnomaly(anomaly, null).Length);
    }

    [Fact]
    public void A_patch_of_settings_or_results_empties_the_embedding_and_others_keep_it()
    {
        var investigation = new Investigation { Embedding = [1f, 2f] };

        new InvestigationPatch(Status: InvestigationStatus.Completed).ApplyTo(investigation, DateTime.UtcNow);
        Assert.Equal([1f, 2f], investigation.Embedding);
        new InvestigationPatch(Results: new JsonObject()).ApplyTo(investigation, DateTime.UtcNow);
        Assert.Empty(investigation.Embedding);
    }
}
