using System.CommandLine;

namespace Olorin.Cli;

/// <summary>
/// The command tree of <c>scripts/olorin</c>. Each command lives in its own file under <c>Commands/</c> and is added
/// here, so this list is the table of contents of the operator tools.
/// </summary>
public static class OlorinCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Olorin operator tools: set-up checks, data migration between PostgreSQL and MongoDB, verification, benchmarks.");
        root.Subcommands.Add(Commands.EmbedCommand.Build());
        root.Subcommands.Add(Commands.TokenCommand.Create());
        root.Subcommands.Add(Commands.MigrateCommand.Create());
        root.Subcommands.Add(Commands.VerifySetupCommand.Create());
        root.Subcommands.Add(Commands.VerifyMigrationCommand.Create());
        root.Subcommands.Add(Commands.BenchmarkCommand.Create());
        root.Subcommands.Add(Commands.SeedCommand.Create());
        root.Subcommands.Add(Commands.OutboxCommand.Create());
        return root;
    }
}
