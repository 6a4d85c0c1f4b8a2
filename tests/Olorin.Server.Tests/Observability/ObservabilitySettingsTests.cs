using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Observability;

/// <summary>The observability settings are validated at start-up like the others: exit 1, one fatal line naming the variable.</summary>
public sealed class ObservabilitySettingsTests
{
    [Theory]
    [InlineData("ENABLE_METRICS", "maybe")]
    [InlineData("ROLLBACK_ERROR_RATE_PERCENT", "0")]
    [InlineData("ROLLBACK_POOL_USAGE_PERCENT", "150")]
    [InlineData("ROLLBACK_WINDOW_SECONDS", "0")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317")]
    [InlineData("LOG_FILE", "/proc/olorin/backend.log")]
    public async Task A_bad_observability_setting_exits_1_with_one_line_naming_it(string variable, string value)
    {
        var settings = OlorinApiFactory.SettingsFor(PostgresTestDatabase.DefaultServer, migrate: false);
        settings[variable] = value;

        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(1, exit.Code);
        var fatal = Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL"));
        Assert.Contains(variable, fatal);
        Assert.DoesNotContain("   at ", exit.Output);
    }
}
