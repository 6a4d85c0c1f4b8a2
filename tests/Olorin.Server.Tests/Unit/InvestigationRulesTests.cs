using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Validation;

namespace Olorin.Server.Tests.Unit;

public sealed class InvestigationRulesTests
{
    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void A_valid_investigation_has_no_errors()
    {
        var errors = InvestigationRules.Validate(
            "inv-1",
            Json("""
                {"name": "Card testing", "entities": [{"entity_type": "ip", "entity_value": "10.0.0.1"}],
                 "tools": [{"tool_name": "splunk"}, {"tool_id": "device_analysis", "enabled": true, "config": {}}],
                 "time_range": {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-01-02T00:00:00Z", "duration_hours": 24},
                 "investigation_type": "hybrid", "investigation_mode": "entity", "correlation_mode": "AND"}
                """),
            Json("""{"progress_percentage": 100}"""),
            Json("""{"risk_score": 0}"""),
            InvestigationMetadata.Default());
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("""{"start": "2026-01-01T00:00:00.000Z", "end": "2026-01-02T00:00:00.000Z"}""")]
    [InlineData("""{"start_time": "2026-01-01T00:00:00", "end_time": "2026-01-01T06:00:00"}""")]
    [InlineData("""{"start_date": "2026-01-01", "end_date": "2026-01-02", "duration_hours": 24, "type": "custom"}""")]
    [InlineData("""{"start": "2026-01-01T00:00:00+02:00", "end_time": "2025-12-31T23:00:00"}""")]
    public void Every_client_spelling_of_a_time_range_is_understood(string range)
        => Assert.True(InvestigationRules.Validate(settings: Json($$"""{"time_range": {{range}}}""")).IsEmpty);

    [Theory]
    [InlineData("""{"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}""", "settings.time_range.end")]
    [InlineData("""{"start_time": "2026-01-01T06:00:00", "end_time": "2026-01-01T06:00:00"}""", "settings.time_range.end_time")]
    [InlineData("""{"start_date": "2026-01-02", "end_date": "2026-01-01"}""", "settings.time_range.end_date")]
    [InlineData("""{"start_time": "yesterday"}""", "settings.time_range.start_time")]
    [InlineData("""{"end": 5}""", "settings.time_range.end")]
    [InlineData("""{"duration_hours": 721}""", "settings.time_range.duration_hours")]
    public void A_time_range_the_server_cannot_use_is_a_400_naming_the_spelling_sent(string range, string field)
        => Assert.NotEmpty(InvestigationRules.Validate(settings: Json($$"""{"time_range": {{range}}}"""))[field]);

    [Fact]
    public void Naive_datetimes_are_read_as_utc()
        => Assert.Equal(new DateTime(2026, 1, 1, 6, 0, 0, DateTimeKind.Utc), InvestigationReadings.Instant(JsonValue.Create("2026-01-01T06:00:00")));

    [Fact]
    public void A_tool_is_named_by_tool_id_or_tool_name()
    {
        Assert.Equal("device_analysis", InvestigationReadings.ToolId(Json("""{"tool_id": "device_analysis"}""")));
        Assert.Equal("splunk", InvestigationReadings.ToolId(Json("""{"tool_name": "splunk"}""")));
        var errors = InvestigationRules.Validate(settings: Json("""{"tools": [{"enabled": true}, {"tool_id": ""}, {"tool_name": 3}]}"""));
        Assert.NotEmpty(errors["settings.tools[0].tool_id"]);
        Assert.NotEmpty(errors["settings.tools[1].tool_id"]);
        Assert.NotEmpty(errors["settings.tools[2].tool_name"]);
    }

    [Theory]
    [InlineData(1.0000001)]
    [InlineData(-0.5)]
    public void Risk_scores_outside_0_to_1_are_rejected_not_clamped(double score)
        => Assert.NotEmpty(InvestigationRules.Validate(results: new JsonObject { ["risk_score"] = score })["results.risk_score"]);

    [Fact]
    public void A_member_the_server_reads_must_have_its_type()
    {
        Assert.NotEmpty(InvestigationRules.Validate(results: Json("""{"risk_score": "high"}"""))["results.risk_score"]);
        Assert.NotEmpty(InvestigationRules.Validate(progress: Json("""{"progress_percentage": "50"}"""))["progress.progress_percentage"]);
        Assert.NotEmpty(InvestigationRules.Validate(settings: Json("""{"entities": {"entity_type": "ip"}}"""))["settings.entities"]);
        Assert.NotEmpty(InvestigationRules.Validate(metadata: Json("""{"source": ""}"""))["metadata.source"]);
    }

    [Fact]
    public void Members_the_server_does_not_read_are_not_checked()
        => Assert.True(InvestigationRules.Validate(
            settings: Json("""{"whatever": [1, {"x": null}], "agents_selected": "not a list either"}"""),
            progress: Json("""{"tools_executed": 3}"""),
            results: Json("""{"extra": true}"""),
            metadata: Json("""{"team": "risk"}""")).IsEmpty);

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
        var settings = new JsonObject
        {
            ["name"] = new string('n', 256),
            ["entities"] = new JsonArray([.. Enumerable.Range(0, 11).Select(i => (JsonNode)new JsonObject { ["entity_type"] = "email", ["entity_value"] = $"{i}@x" })]),
            ["tools"] = new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode)new JsonObject { ["tool_name"] = $"t{i}" })]),
            ["time_range"] = Json("""{"start_date": "2026-01-02T00:00:00", "end_date": "2026-01-01T00:00:00", "duration_hours": 0}"""),
            ["correlation_mode"] = "XOR",
        };
        var errors = InvestigationRules.Validate(settings: settings);
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
        var errors = InvestigationRules.Validate(settings: Json("""{"entities": [{"entity_type": "planet", "entity_value": ""}]}"""));
        Assert.NotEmpty(errors["settings.entities[0].entity_type"]);
        Assert.NotEmpty(errors["settings.entities[0].entity_value"]);
    }

    [Fact]
    public void Progress_percentage_must_be_0_to_100()
        => Assert.NotEmpty(InvestigationRules.Validate(progress: new JsonObject { ["progress_percentage"] = 100.5 })["progress.progress_percentage"]);
}
