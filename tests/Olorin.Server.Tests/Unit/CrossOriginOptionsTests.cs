using Olorin.Server.Security;

namespace Olorin.Server.Tests.Unit;

public sealed class CrossOriginOptionsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("http://localhost:3000")]
    [InlineData(" https://olorin.example.com , http://10.0.0.5:8080 ,")]
    public void Origins_and_a_lone_star_are_valid(string? value)
        => Assert.Null(new CrossOriginOptions { AllowedOrigins = value }.Problem());

    [Theory]
    [InlineData("localhost:3000")]
    [InlineData("ftp://files.example.com")]
    [InlineData("https://olorin.example.com/")]
    [InlineData("https://olorin.example.com/app")]
    [InlineData("https://olorin.example.com?x=1")]
    [InlineData("https://user:pw@olorin.example.com")]
    [InlineData("*, https://olorin.example.com")]
    public void Anything_else_is_a_problem_naming_the_variable(string value)
    {
        var problem = new CrossOriginOptions { AllowedOrigins = value }.Problem();

        Assert.NotNull(problem);
        Assert.StartsWith(CrossOriginOptions.Variable, problem);
    }

    [Fact]
    public void Origins_are_normalized_as_browsers_send_them()
        => Assert.Equal(
            ["https://olorin.example.com", "http://localhost:3000"],
            new CrossOriginOptions { AllowedOrigins = "https://Olorin.Example.com:443,http://localhost:3000" }.NormalizedOrigins());
}
