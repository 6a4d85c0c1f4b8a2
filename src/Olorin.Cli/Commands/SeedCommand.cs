using System.CommandLine;
using Olorin.Cli.Cli;
using Olorin.Migration.Seeding;
using Spectre.Console;

namespace Olorin.Cli.Commands;

/// <summary><c>olorin seed</c>: writes the synthetic dataset into one tenant (for rehearsing a migration and for scripts/bench-migration.sh).</summary>
public static class SeedCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var target = new Option<string?>("--target") { Description = "postgres (default: DATABASE_URL), mongodb (MONGODB_URI), or a postgresql:// / mongodb(+srv):// URL." };
        var investigations = new Option<int>("--investigations") { Description = "Investigations to create; every other collection is sized from it (about 7.9 documents per investigation in all).", DefaultValueFactory = _ => 1000 };
        var tenant = new Option<string>("--tenant") { Description = "The tenant the documents belong to (ids are prefixed by it, so two tenants never collide).", DefaultValueFactory = _ => "olorin-seed" };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same documents).", DefaultValueFactory = _ => 7 };

        var command = new Command("seed", """
            Write a deterministic synthetic dataset into one tenant of a database, across all ten collections
            (investigations, their audit entries, anomalies with 384-dimension embeddings, scores, runs, …), through
            the repository ports, preparing an empty database first. For rehearsing a migration on realistic data; the
            same dataset benchmark --seed-data uses. Upserts: running it twice changes nothing.

            Examples:
              olorin seed --target postgresql://olorin:pw@localhost:5432/rehearsal --investigations 6400   # ~50,000 documents
              olorin seed --target mongodb://localhost:27017/rehearsal --tenant demo
            Exit code: 0 when written; 2 when the database cannot be reached or the arguments are wrong.
            """);
        foreach (var option in new Option[] { target, investigations, tenant, seed, json }) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(json));
            return CommandRunner.RunAsync(output, "seed", async () =>
            {
                var count = parse.GetValue(investigations);
                var tenantId = parse.GetValue(tenant)!;
                if (count < 1) throw new CliException("--investigations must be at least 1.");
                if (string.IsNullOrWhiteSpace(tenantId)) throw new CliException("--tenant must not be empty.");
                var spec = EndpointSpec.Resolve(parse.GetValue(target), Backend.Postgres, CliConfiguration.Build(), "--target");
                await using var endpoint = await OpenedEndpoint.OpenAsync(spec, "target", prepare: true, cancellationToken);
                var dataset = new SyntheticDataset(tenantId, count, parse.GetValue(seed));
                output.Line($"Seeding {dataset.ExpectedDocuments:N0} documents ({count:N0} investigations) in tenant {Markup.Escape(tenantId)} of {Markup.Escape(spec.Description)}…");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await dataset.WriteAsync(endpoint.Services, 2000, cancellationToken: cancellationToken);
                output.Line($"[green]Seeded in {clock.Elapsed.TotalSeconds:N1} s.[/]");
                output.Result(new
                {
                    command = "seed", success = true, target = spec.Description, tenant_id = tenantId, investigations = count,
                    documents = dataset.ExpectedDocuments, seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                    collections = dataset.Plan().Select(p => new { collection = p.Collection, documents = p.Count }),
                });
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
