using Olorin.Core.Phases;

namespace Olorin.Core.Tests;

public sealed class MigrationPhasesTests
{
    [Theory]
    [InlineData("postgres", MigrationPhase.Postgres)]
    [InlineData("dual", MigrationPhase.Dual)]
    [InlineData(" Mongo_Primary ", MigrationPhase.MongoPrimary)]
    [InlineData("MONGO", MigrationPhase.Mongo)]
    public void Parses_the_four_setting_values(string value, MigrationPhase expected)
    {
        Assert.True(MigrationPhases.TryParse(value, out var phase));
        Assert.Equal(expected, phase);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mongo-primary")]
    [InlineData("1")]
    public void Refuses_anything_else(string? value) => Assert.False(MigrationPhases.TryParse(value, out _));

    [Fact]
    public void Wire_names_round_trip_and_only_the_two_middle_phases_have_a_secondary()
    {
        foreach (var phase in Enum.GetValues<MigrationPhase>())
        {
            Assert.True(MigrationPhases.TryParse(phase.WireName(), out var parsed));
            Assert.Equal(phase, parsed);
        }
        Assert.Equal([MigrationPhase.Dual, MigrationPhase.MongoPrimary], Enum.GetValues<MigrationPhase>().Where(p => p.HasSecondary()));
    }
}
