using System.CommandLine;
using Olorin.Cli.Benchmarking;
using Olorin.Cli.Cli;
using Olorin.Migration.Seeding;
using Spectre.Console;

namespace Olorin.Cli.Commands;

/// <summary><c>olorin benchmark</c>: the runbook's seven query types with P50/P95/P99 against its targets.</summary>
public static class BenchmarkCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var target = new Option<string?>("--target") { Description = "postgres (default: DATABASE_URL), mongodb (MONGODB_URI), or a postgresql:// / mongodb(+srv):// URL." };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Measured operations per query type.", DefaultValueFactory = _ => 200 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured operations per query type first.", DefaultValueFactory = _ => 20 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Concurrent workers.", DefaultValueFactory = _ => 1 };
        var seedData = new Option<int>("--seed-data") { Description = "First create N synthetic investigations (with audit entries, anomalies with embeddings, scores, runs, …) in a dedicated tenant; removed afterwards unless --keep.", DefaultValueFactory = _ => 0 };
        var keep = new Option<bool>("--keep") { Description = "Keep the seeded tenant." };
        var tenant = new Option<string>("--tenant") { Description = "Without --seed-data: the tenant whose data is queried.", DefaultValueFactory = _ => "default" };
        var compare = new Option<bool>("--compare") { Description = "Run the same workload on --target and on --compare-with (default: MongoDB from MONGODB_URI) and print the P99 ratio per query type." };
        var compareWith = new Option<string?>("--compare-with") { Description = "The second database of --compare (implies it): postgres, mongodb, or a postgresql:// / mongodb(+srv):// URL." };
        var seed = new Option<int>("--seed") { Description = "Random seed of the workload (same seed, same operations).", DefaultValueFactory = _ => 42 };

        var command = new Command("benchmark", """
            Measure the seven query types of the runbook through the repository ports (as the API runs them): simple
            (by id), indexed (filtered list), pagination, aggregation (counts by status), insert, update, vector search
            (with recall@10 against an exact ranking). Warm-up, N iterations, -c workers, P50/P95/P99/mean from an
            HdrHistogram, PASS/FAIL against the runbook's P99 targets: simple/indexed/insert/update < 100 ms,
            pagination < 200 ms, aggregation and vector < 500 ms.

            Examples:
              olorin benchmark --seed-data 10000                     # PostgreSQL from DATABASE_URL
              olorin benchmark --target mongodb --seed-data 10000 -c 8 -n 1000
              olorin benchmark --compare --seed-data 10000 --json > run.json   # PostgreSQL (DATABASE_URL) vs MongoDB (MONGODB_URI)
              olorin benchmark --target postgresql://…/a --compare-with postgresql://…/b --seed-data 2000
            Exit code: 0 when every query type meets its target, 1 when one misses, 2 on bad arguments or settings.
            """);
        foreach (var option in new Option[] { target, iterations, warmup, concurrency, seedData, keep, tenant, compare, compareWith, seed, json }) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(json));
            return CommandRunner.RunAsync(output, "benchmark", async () =>
            {
                var n = parse.GetValue(iterations);
                var c = parse.GetValue(concurrency);
                var seeded = parse.GetValue(seedData);
                if (n < 1) throw new CliException("--iterations must be at least 1.");
                if (c is < 1 or > 256) throw new CliException("--concurrency must be between 1 and 256.");
                if (seeded < 0) throw new CliException("--seed-data must be 0 or more.");
                var configuration = CliConfiguration.Build();
                var comparing = parse.GetValue(compare) || parse.GetValue(compareWith) is not null;
                var specs = new List<EndpointSpec> { EndpointSpec.Resolve(parse.GetValue(target), Backend.Postgres, configuration, "--target") };
                if (comparing) specs.Add(EndpointSpec.Resolve(parse.GetValue(compareWith) ?? "mongodb", Backend.MongoDb, configuration, "--compare-with"));
                if (specs.Count == 2 && specs[0].Description == specs[1].Description) throw new CliException("--target and --compare-with name the same database.");

                // Every database is connected before any workload runs, so an unreachable one fails at once (exit 2).
                var endpoints = new List<OpenedEndpoint>();
                try
                {
                    foreach (var spec in specs)
                        endpoints.Add(await OpenedEndpoint.OpenAsync(spec, specs.Count == 1 ? "target" : spec == specs[0] ? "--target" : "--compare-with", prepare: seeded > 0, cancellationToken));
                    var runs = new List<(EndpointSpec Spec, IReadOnlyList<QueryResult> Results)>();
                    foreach (var endpoint in endpoints)
                        runs.Add((endpoint.Spec, await RunOneAsync(output, endpoint, seeded, parse.GetValue(keep), parse.GetValue(tenant)!, parse.GetValue(warmup), n, c, parse.GetValue(seed), cancellationToken)));
                    return Report(output, runs, n, c, seeded);
                }
                finally
                {
                    foreach (var endpoint in endpoints) await endpoint.DisposeAsync();
                }
            });
        });
        return command;
    }

    private static int Report(CliOutput output, List<(EndpointSpec Spec, IReadOnlyList<QueryResult> Results)> runs, int n, int c, int seeded)
    {
        if (runs.Count == 2)
        {
            var (first, second) = (Label(runs[0].Spec), Label(runs[1].Spec));
            output.Line($"[bold]Comparison:[/] A = {Markup.Escape(runs[0].Spec.Description)}, B = {Markup.Escape(runs[1].Spec.Description)}");
            var ratio = new Table().AddColumns("Query", $"A {first} P99 ms", $"B {second} P99 ms", "B / A");
            foreach (var (a, b) in runs[0].Results.Zip(runs[1].Results))
                ratio.AddRow(a.Query, a.P99Ms.ToString("0.00"), b.P99Ms.ToString("0.00"), a.P99Ms > 0 ? (b.P99Ms / a.P99Ms).ToString("0.00") + "×" : "-");
            output.Human.Write(ratio);
        }
        var success = runs.All(r => r.Results.All(q => q.Passed));
        output.Result(new
        {
            command = "benchmark",
            success,
            machine = new { Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, runtime = Environment.Version.ToString() },
            iterations = n, concurrency = c, seed_data = seeded,
            ratios = runs.Count == 2
                ? runs[0].Results.Zip(runs[1].Results).Select(p => new { query = p.First.Query, b_over_a_p99 = p.First.P99Ms > 0 ? Math.Round(p.Second.P99Ms / p.First.P99Ms, 3) : (double?)null })
                : null,
            runs = runs.Select(r => new
            {
                backend = r.Spec.Backend == Backend.Postgres ? "postgres" : "mongodb",
                target = r.Spec.Description,
                queries = r.Results.Select(q => new
                {
                    query = q.Query, count = q.Count, p50_ms = Math.Round(q.P50Ms, 3), p95_ms = Math.Round(q.P95Ms, 3), p99_ms = Math.Round(q.P99Ms, 3),
                    mean_ms = Math.Round(q.MeanMs, 3), max_ms = Math.Round(q.MaxMs, 3), target_p99_ms = q.TargetP99Ms, passed = q.Passed,
                    recall_at_10 = q.RecallAt10 is { } r10 ? Math.Round(r10, 4) : (double?)null, errors = q.Errors,
                }),
            }),
        });
        return success ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static string Label(EndpointSpec spec) => spec.Backend == Backend.Postgres ? "(PostgreSQL)" : "(MongoDB)";

    private static async Task<IReadOnlyList<QueryResult>> RunOneAsync(
        CliOutput output, OpenedEndpoint endpoint, int seedData, bool keep, string tenant, int warmup, int iterations, int concurrency, int seed, CancellationToken cancellationToken)
    {
        output.Line($"[bold]Benchmark target:[/] {Markup.Escape(endpoint.Spec.Description)}");
        var tenantId = seedData > 0 ? $"olorin-bench-{Guid.NewGuid():N}"[..25] : tenant;
        try
        {
            if (seedData > 0)
            {
                var dataset = new SyntheticDataset(tenantId, seedData, seed);
                output.Line($"Seeding {dataset.ExpectedDocuments:N0} documents ({seedData:N0} investigations) in tenant {tenantId}…");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await dataset.WriteAsync(endpoint.Services, 2000, cancellationToken: cancellationToken);
                output.Line($"Seeded in {clock.Elapsed.TotalSeconds:N1} s.");
            }
            var (investigations, anomalies) = await BenchmarkTenant.LoadAsync(endpoint.Services, tenantId, cancellationToken);
            if (investigations.Count == 0 || anomalies.Count == 0)
                throw new CliException($"tenant '{tenantId}' has no investigations or no anomalies with embeddings; use --seed-data N or --tenant.");

            var workload = new BenchmarkWorkload(endpoint.Services, tenantId, investigations, anomalies, seed);
            var results = new List<QueryResult>();
            foreach (var (query, target) in QueryTypes.All)
            {
                output.Line($"  {query}: {warmup} warm-up, {iterations} measured, concurrency {concurrency}…");
                results.Add(await workload.RunAsync(query, target, warmup, iterations, concurrency, cancellationToken));
            }

            var table = new Table().AddColumns("Query", "N", "P50 ms", "P95 ms", "P99 ms", "Mean ms", "Target P99", "Recall@10", "Result");
            foreach (var column in table.Columns.Skip(1).Take(7)) column.RightAligned();
            foreach (var q in results)
                table.AddRow(q.Query, q.Count.ToString("N0"), q.P50Ms.ToString("0.00"), q.P95Ms.ToString("0.00"), q.P99Ms.ToString("0.00"), q.MeanMs.ToString("0.00"),
                    $"< {q.TargetP99Ms:0} ms", q.RecallAt10 is { } r ? r.ToString("0.000") : "", q.Passed ? "[green]PASS[/]" : q.Errors > 0 ? $"[red]FAIL ({q.Errors} errors)[/]" : "[red]FAIL[/]");
            output.Human.Write(table);
            output.Line($"{investigations.Count:N0} investigations, {anomalies.Count:N0} embeddings in tenant {tenantId}; {Environment.ProcessorCount} cores.");
            return results;
        }
        finally
        {
            if (seedData > 0 && !keep)
            {
                await BenchmarkTenant.RemoveAsync(endpoint, tenantId, CancellationToken.None);
                output.Line($"Removed the benchmark tenant {tenantId} (--keep keeps it).");
            }
        }
    }
}
