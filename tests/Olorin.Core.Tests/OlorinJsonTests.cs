using System.Text.Json;
using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Serialization;

namespace Olorin.Core.Tests;

public sealed class OlorinJsonTests
{
    [Fact]
    public void Models_serialize_with_snake_case_names_and_keep_free_form_keys_as_given()
    {
        var investigation = new Investigation
        {
            InvestigationId = "inv-1",
            LifecycleStage = LifecycleStage.InProgress,
            Progress = new JsonObject { ["progress_percentage"] = 12.5, ["additional_data"] = new JsonObject { ["camelKey"] = 1 } },
        };
        var node = JsonSerializer.SerializeToNode(investigation, OlorinJson.Options)!.AsObject();

        Assert.Equal("inv-1", (string?)node["investigation_id"]);
        Assert.Equal("IN_PROGRESS", (string?)node["lifecycle_stage"]);
        Assert.Equal(12.5, (double?)node["progress"]!["progress_percentage"]);
        Assert.Equal(1, (int?)node["progress"]!["additional_data"]!["camelKey"]);
    }

    [Fact]
    public void Detection_window_is_stored_with_from_and_to_keys()
    {
        var window = new DetectionWindow { From = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), To = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc) };
        var node = JsonSerializer.SerializeToNode(window, OlorinJson.Options)!.AsObject();
        Assert.True(node.ContainsKey("from"));
        Assert.True(node.ContainsKey("to"));
    }

    [Fact]
    public void Strict_number_handling_rejects_numbers_in_strings()
        => Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TransactionScore>("""{"risk_score":"0.5"}""", OlorinJson.Options));

    [Fact]
    public void Null_embedding_reads_back_as_empty()
    {
        var anomaly = JsonSerializer.Deserialize<AnomalyEvent>("""{"anomaly_id":"a","embedding":null}""", OlorinJson.Options)!;
        Assert.Empty(anomaly.Embedding);
    }
}
