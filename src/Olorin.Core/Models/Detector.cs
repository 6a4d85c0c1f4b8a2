using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Olorin.Core.Models;

/// <summary>Configuration of one anomaly-detection algorithm (collection and table <c>detectors</c>).</summary>
public sealed class Detector
{
    public string DetectorId { get; set; } = "";
    public string Name { get; set; } = "";
    public DetectorType Type { get; set; }
    public DetectorCohort CohortBy { get; set; } = new();
    public DetectorMetrics Metrics { get; set; } = new();
    public DetectorParams Params { get; set; } = new();
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

public sealed class DetectorCohort
{
    public List<string> Dimensions { get; set; } = [];
    public JsonObject Filters { get; set; } = [];
}

public sealed class DetectorMetrics
{
    public string Primary { get; set; } = "";
    public List<string> Secondary { get; set; } = [];
    public List<string> Aggregations { get; set; } = [];
}

public sealed class DetectorParams
{
    /// <summary>0–1 when set.</summary>
    public double? Sensitivity { get; set; }
    public double? Threshold { get; set; }
    /// <summary>&gt; 0 when set.</summary>
    public int? WindowSize { get; set; }
    public JsonObject AlgorithmSpecific { get; set; } = [];
}
