using Olorin.Server.Tests.Infrastructure;
using Olorin.Testing;

namespace Olorin.Server.Tests.Host;

/// <summary>The real process: a bad setting ends start-up with exit code 1 and one fatal line naming it, no stack trace.</summary>
public sealed class StartupFailureProcessTests
{
    [Theory]
    [InlineData("ENABLE_MONGODB", "maybe")]       // wrong type, read while composing the host
    [InlineData("QUERY_CACHE_TTL", "abc")]        // wrong type, read when the host starts
    [InlineData("QUERY_CACHE_TTL", "0")]          // rule violation, checked when the host starts
    [InlineData("DATABASE_URL", "mysql://olorin:secret-pw@127.0.0.1/olorin")]
    public async Task A_bad_setting_exits_1_with_one_line_naming_it(string variable, string value)
    {
        var settings = OlorinApiFactory.SettingsFor(PostgresTestDatabase.DefaultServer, migrate: false);
        settings[variable] = value;

        var exit = await ServerProcess.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(1, exit.Code);
        var fatal = Assert.Single(exit.Output.Split('\n'), line => line.Contains("FTL"));
        Assert.Contains(variable, fatal);
        Assert.DoesNotContain("   at ", exit.Output);
        Assert.DoesNotContain("secret-pw", exit.Output);
    }
}
