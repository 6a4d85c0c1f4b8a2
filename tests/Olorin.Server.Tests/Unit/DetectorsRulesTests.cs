using Olorin.Core.Models;
using Olorin.Core.Validation;

namespace Olorin.Server.Tests.Unit;

public sealed class DetectorsRulesTests
{
    private static readonly DetectorMetrics Metrics = new() { Primary = "tx_count" };

    [Fact]
    public void Name_type_and_metrics_primary_are_required_on_create()
    {
        var errors = DetectorRules.ValidateCreate(null, null, null, null, null, null);

        Assert.NotEmpty(errors["name"]);
        Assert.NotEmpty(errors["type"]);
        Assert.NotEmpty(errors["metrics"]);
        Assert.True(DetectorRules.ValidateCreate(null, "n", DetectorType.Rcf, null, Metrics, null).IsEmpty);
        Assert.NotEmpty(DetectorRules.ValidateCreate(null, "n", DetectorType.Rcf, null, new DetectorMetrics { Primary = " " }, null)["metrics.primary"]);
    }

    [Theory]
    [InlineData(1.0001, null, null, "params.sensitivity")]
    [InlineData(double.NaN, null, null, "params.sensitivity")]
    [InlineData(null, -1, null, "params.window_size")]
    [InlineData(null, null, double.PositiveInfinity, "params.threshold")]
    public void Params_are_range_checked_not_clamped(double? sensitivity, int? windowSize, double? threshold, string field)
    {
        var parameters = new DetectorParams { Sensitivity = sensitivity, WindowSize = windowSize, Threshold = threshold };

        Assert.NotEmpty(DetectorRules.ValidatePatch(null, null, null, parameters)[field]);
    }

    [Fact]
    public void A_patch_only_checks_what_it_sends()
    {
        Assert.True(DetectorRules.ValidatePatch(null, null, null, null).IsEmpty);
        Assert.True(DetectorRules.ValidatePatch("renamed", null, null, new DetectorParams { Sensitivity = 0, WindowSize = 1 }).IsEmpty);
        Assert.NotEmpty(DetectorRules.ValidatePatch(new string('x', 501), null, null, null)["name"]);
    }
}
