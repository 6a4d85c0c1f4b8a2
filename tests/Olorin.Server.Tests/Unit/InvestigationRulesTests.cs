using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Validation;

namespace Olorin.Server.Tests.Unit;

public sealed class InvestigationRulesTests
{
    [Fact]
    public void A_valid_investigation_has_no_errors()
    {
        var errors = InvestigationRules.Validate(
            "inv-1",
            new InvestigationSettings
            {
                Name = "Card testing",
                Entities = [new InvestigationEntity { EntityType = "ip", EntityValue = "10.0.0.1" }],
                Tools = [new InvestigationTool { ToolName = "splunk" }],
                TimeRange = new InvestigationTimeRange { StartDate = new DateTime(2026, 1, 1), EndDate = new DateTime(2026, 1, 2), DurationHours = 24 },
                InvestigationType = "hybrid",
                InvestigationMode = "entity",
                CorrelationMode = "AND",
            },
            new InvestigationProgress { ProgressPercentage = 100 },
            new InvestigationResults { RiskScore = 0 },
            new InvestigationMetadata());
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData(1.0000001)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Risk_scores_outside_0_to_1_are_rejected_not_clamped(double score)
        => Assert.NotEmpty(InvestigationRules.Validate(results: new InvestigationResults { RiskScore = score })["results.risk_score"]);

    [Fact]
    public void Ids_must_be_1_to_255_characters()
    {
        Assert.NotEmpty(InvestigationRules.Validate("")["investigation_id"]);
        Assert.NotEmpty(InvestigationRules.Validate(new string('x', 256))["investigation_id"]);
        Assert.True(InvestigationRules.Validate(new string('x', 255)).IsEmpty);
    }

    [Fact]
    public void Settings_limits_are_enforced_per_field()
    {
        var errors = InvestigationRules.Validate(settings: new InvestigationSettings
        {
            Name = new string('n', 256),
            Entities = Enumerable.Range(0, 11).Select(i => new InvestigationEntity { EntityType = "email", EntityValue = $"{i}@x" }).ToList(),
            Tools = Enumerable.Range(0, 21).Select(i => new InvestigationTool { ToolName = $"t{i}", Config = new JsonObject() }).ToList(),
            TimeRange = new InvestigationTimeRange { StartDate = new DateTime(2026, 1, 2), EndDate = new DateTime(2026, 1, 1), DurationHours = 0 },
            CorrelationMode = "XOR",
        });
        Assert.NotEmpty(errors["settings.name"]);
        Assert.NotEmpty(errors["settings.entities"]);
        Assert.NotEmpty(errors["settings.tools"]);
        Assert.NotEmpty(errors["settings.time_range.end_date"]);
        Assert.NotEmpty(errors["settings.time_range.duration_hours"]);
        Assert.NotEmpty(errors["settings.correlation_mode"]);
    }

    [Fact]
    public void Entities_need_an_allowed_type_and_a_value()
    {
        var errors = InvestigationRules.Validate(settings: new InvestigationSettings
        {
            Entities = [new InvestigationEntity { EntityType = "planet", EntityValue = "" }],
        });
        Assert.NotEmpty(errors["settings.entities[0].entity_type"]);
        Assert.NotEmpty(errors["settings.entities[0].entity_value"]);
    }

    [Fact]
    public void Progress_percentage_must_be_0_to_100()
        => Assert.NotEmpty(InvestigationRules.Validate(progress: new InvestigationProgress { ProgressPercentage = 100.5 })["progress.progress_percentage"]);
}
