using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>Configuration of one anomaly-detection algorithm (collection and table <c>detectors</c>).</summary>
public sealed class Detector
{
    public string DetectorId { get; set; } = "";
    public string Name { get; set; } = "";
    public DetectorType Type { get; set; }
    /// <summary>Kept exactly as sent (Decision 12); <c>dimensions</c> and <c>filters</c> are checked when present.</summary>
    public JsonObject CohortBy { get; set; } = DetectorDefaults.CohortBy();
    /// <summary>Kept exactly as sent; <c>primary</c> is required.</summary>
    public JsonObject Metrics { get; set; } = [];
    /// <summary>Kept exactly as sent; <c>sensitivity</c> 0–1 and <c>window_size</c> &gt; 0 when present.</summary>
    public JsonObject Params { get; set; } = DetectorDefaults.Params();
    public bool Enabled { get; set; } = true;
    public string TenantId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum DetectorType
{
    [JsonStringEnumMemberName("stl_mad")] StlMad,
    [JsonStringEnumMemberName("cusum")] Cusum,
    [JsonStringEnumMemberName("isoforest")] IsoForest,
    [JsonStringEnumMemberName("rcf")] Rcf,
    [JsonStringEnumMemberName("matrix_profile")] MatrixProfile,
}

/// <summary>What a detector gets for <c>cohort_by</c> and <c>params</c> when a create sends none.</summary>
public static class DetectorDefaults
{
    public static JsonObject CohortBy() => new() { ["dimensions"] = new JsonArray(), ["filters"] = new JsonObject() };

    public static JsonObject Params() => new()
    {
        ["sensitivity"] = null,
        ["threshold"] = null,
        ["window_size"] = null,
        ["algorithm_specific"] = new JsonObject(),
    };
}
