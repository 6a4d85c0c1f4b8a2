using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Validation;

namespace Olorin.Server.Tests.Unit;

public sealed class DetectorsRulesTests
{
    private static readonly JsonObject Metrics = new() { ["primary"] = "tx_count" };

    [Fact]
    public void Name_type_and_metrics_primary_are_required_on_create()
    {
        var errors = DetectorRules.ValidateCreate(null, null, null, null, null, null);

        Assert.NotEmpty(errors["name"]);
        Assert.NotEmpty(errors["type"]);
        Assert.NotEmpty(errors["metrics"]);
        Assert.True(DetectorRules.ValidateCreate(null, "n", DetectorType.Rcf, null, Metrics, null).IsEmpty);
        Assert.NotEmpty(DetectorRules.ValidateCreate(null, "n", DetectorType.Rcf, null, new JsonObject { ["primary"] = " " }, null)["metrics.primary"]);
    }

    [Theory]
    [InlineData("""{"sensitivity": 1.0001}""", "params.sensitivity")]
    [InlineData("""{"sensitivity": "high"}""", "params.sensitivity")]
    [InlineData("""{"window_size": -1}""", "params.window_size")]
    [InlineData("""{"window_size": 1.5}""", "params.window_size")]
    [InlineData("""{"threshold": "3"}""", "params.threshold")]
    [InlineData("""{"algorithm_specific": []}""", "params.algorithm_specific")]
    public void Params_are_range_checked_not_clamped(string parameters, string field)
        => Assert.NotEmpty(DetectorRules.ValidatePatch(null, null, null, JsonNode.Parse(parameters)!.AsObject())[field]);

    [Fact]
    public void Members_the_server_does_not_read_are_kept_unchecked()
        => Assert.True(DetectorRules.ValidatePatch(null,
            JsonNode.Parse("""{"dimensions": ["m"], "min_size": 3}""")!.AsObject(),
            JsonNode.Parse("""{"primary": "tx", "unit": {"x": 1}}""")!.AsObject(),
            JsonNode.Parse("""{"k": 3, "custom": [1, "a"]}""")!.AsObject()).IsEmpty);

    [Fact]
    public void A_patch_only_checks_what_it_sends()
    {
        Assert.True(DetectorRules.ValidatePatch(null, null, null, null).IsEmpty);
        Assert.True(DetectorRules.ValidatePatch("renamed", null, null, new JsonObject { ["sensitivity"] = 0, ["window_size"] = 1 }).IsEmpty);
        Assert.NotEmpty(DetectorRules.ValidatePatch(new string('x', 501), null, null, null)["name"]);
    }
}
