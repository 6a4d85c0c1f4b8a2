using System.Text.Json;
using Olorin.Core.Models;
using Olorin.Core.Serialization;

namespace Olorin.Core.Tests;

public sealed class WireEnumTests
{
    [Theory]
    [InlineData(InvestigationStatus.InProgress, "IN_PROGRESS")]
    [InlineData(InvestigationStatus.Cancelled, "CANCELLED")]
    [InlineData(LifecycleStage.Settings, "SETTINGS")]
    public void Investigation_enums_use_upper_snake_case(InvestigationStatus status, string expected)
        => Assert.Equal(expected, WireEnum.ToWire(status));

    [Fact]
    public void Every_enum_of_the_data_model_has_the_documented_spelling()
    {
        Assert.Equal(["stl_mad", "cusum", "isoforest", "rcf", "matrix_profile"], WireEnum.WireValues<DetectorType>());
        Assert.Equal(["queued", "running", "success", "failed"], WireEnum.WireValues<DetectionRunStatus>());
        Assert.Equal(["info", "warn", "critical"], WireEnum.WireValues<AnomalySeverity>());
        Assert.Equal(["new", "triaged", "closed"], WireEnum.WireValues<AnomalyStatus>());
        Assert.Equal(["CREATE", "UPDATE", "DELETE", "EXECUTE", "STATE_CHANGE", "SETTINGS_CHANGE"], WireEnum.WireValues<AuditActionType>());
        Assert.Equal(["UI", "USER", "API", "SYSTEM", "WEBHOOK", "POLLING"], WireEnum.WireValues<AuditSource>());
        Assert.Equal(["active", "expired", "revoked"], WireEnum.WireValues<ComposioConnectionStatus>());
        Assert.Equal(["success", "failed", "retrying"], WireEnum.WireValues<ComposioActionStatus>());
        Assert.Equal(["running", "completed", "failed", "cancelled"], WireEnum.WireValues<SoarExecutionStatus>());
        Assert.Equal(["CREATED", "SETTINGS", "IN_PROGRESS", "COMPLETED", "ERROR", "CANCELLED"], WireEnum.WireValues<InvestigationStatus>());
    }

    [Theory]
    [InlineData("CREATED", AuditActionType.Create)]
    [InlineData("UPDATED", AuditActionType.Update)]
    [InlineData("DELETED", AuditActionType.Delete)]
    [InlineData("CREATE", AuditActionType.Create)]
    public void Legacy_audit_action_types_are_read_as_the_new_ones(string wire, AuditActionType expected)
    {
        Assert.True(WireEnum.TryParse<AuditActionType>(wire, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Aliases_are_never_written()
        => Assert.Equal("CREATE", WireEnum.ToWire(WireEnum.Parse<AuditActionType>("CREATED")));

    [Theory]
    [InlineData("in_progress")]
    [InlineData("InProgress")]
    [InlineData("")]
    [InlineData("PENDING")]
    public void Unknown_or_differently_cased_values_are_rejected(string wire)
    {
        Assert.False(WireEnum.TryParse<InvestigationStatus>(wire, out _));
        var error = Assert.Throws<FormatException>(() => WireEnum.Parse<InvestigationStatus>(wire));
        Assert.Contains("IN_PROGRESS", error.Message);
    }

    [Fact]
    public void Json_uses_the_wire_spelling_both_ways()
    {
        var json = JsonSerializer.Serialize(new { status = InvestigationStatus.InProgress, type = DetectorType.MatrixProfile }, OlorinJson.Options);
        Assert.Equal("""{"status":"IN_PROGRESS","type":"matrix_profile"}""", json);
        Assert.Equal(AuditActionType.Update, JsonSerializer.Deserialize<AuditActionType>("\"UPDATED\"", OlorinJson.Options));
    }

    [Fact]
    public void Json_rejects_an_unknown_enum_value_with_the_allowed_values()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AnomalySeverity>("\"severe\"", OlorinJson.Options));
        Assert.Contains("info, warn, critical", error.Message);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AnomalySeverity>("1", OlorinJson.Options));
    }
}
