using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
using Olorin.Cli.Cli;
using Olorin.Migration.Collections;
using Olorin.Migration.Diagnostics;
using Olorin.Migration.Verification;
using Spectre.Console;

namespace Olorin.Cli.Commands;

/// <summary><c>olorin verify-migration</c>: counts, per-range content hashes, field-level diffs, embedding coverage, indexes.</summary>
public static class VerifyMigrationCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var collections = CommonOptions.Collections();
        var limit = new Option<int>("--limit") { Description = "How many differing documents to list per collection (all are counted).", DefaultValueFactory = _ => 20 };
        var rangeSize = new Option<int>("--range-size") { Description = "Source documents per key range (one content hash per range and side).", DefaultValueFactory = _ => 1000 };
        var restart = new Option<bool>("--restart") { Description = "Ignore the checkpoints of a stopped verification and start again." };
        var portable = CommonOptions.Portable();
        var parallel = CommonOptions.Parallel("verified");

        var command = new Command("verify-migration", """
            Prove the target equal to the source, document by document. Per collection: counts; then both sides are
            read in key order, cut into key ranges, and each range gets an order-independent content hash computed
            from one canonical form (field order, number kinds, timestamps to 100 ns, embeddings bit-exact); only the
            ranges whose hashes differ are compared field by field. Reports missing / extra / different documents
            with (tenant_id, id) and the differing field paths, the embedding coverage and the indexes of the target.
            Checkpointed on the target like migrate: a stopped run resumes. Between two PostgreSQL databases of the
            same schema both servers first digest each whole collection over its stored values; only a collection whose
            digests differ is cut into ranges digested alike, and only a range whose digests differ is read and compared
            by canonical form (--portable: always by canonical form).

            Examples:
              olorin verify-migration                                # DATABASE_URL vs MONGODB_URI/MONGODB_DATABASE
              olorin verify-migration --from postgresql://olorin:pw@db:5432/a --to postgresql://olorin:pw@db:5432/b
              olorin verify-migration --collections anomaly_events --limit 100 --json
            Exit code: 0 when every collection is equal; 1 on any difference; 2 when a database cannot be reached.
            """);
        foreach (var option in new Option[] { from, to, collections, limit, rangeSize, restart, portable, parallel, json }) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(json));
            return CommandRunner.RunAsync(output, "verify-migration", () => RunAsync(output, parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(collections), new VerifyOptions { Limit = parse.GetValue(limit), RangeSize = parse.GetValue(rangeSize), Restart = parse.GetValue(restart), RawRows = !parse.GetValue(portable), Parallelism = parse.GetValue(parallel) },
                cancellationToken));
        });
        return command;
    }

    private static async Task<int> RunAsync(CliOutput output, string? from, string? to, string? collectionList, VerifyOptions options, CancellationToken cancellationToken)
    {
        if (options.Limit < 0) throw new CliException("--limit must be 0 or more.");
        if (options.RangeSize is < 1 or > 100_000) throw new CliException("--range-size must be between 1 and 100000.");
        if (options.Parallelism is < 1 or > 10) throw new CliException("--parallel must be between 1 and 10.");
        var configuration = CliConfiguration.Build();
        var sourceSpec = EndpointSpec.Resolve(from, Backend.Postgres, configuration, "--from");
        var targetSpec = EndpointSpec.Resolve(to, Backend.MongoDb, configuration, "--to");
        IReadOnlyList<MigrationCollection> selected;
        try
        {
            selected = MigrationCollections.Select(collectionList?.Split(','));
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--collections: {ex.Message}");
        }

        // Both at once, each on a thread of its own from the start (composing a provider is a tenth of a second of
        // type loading each) while the console writes the header; nothing is written while connecting. An error of
        // either is reported, the other closed.
        var sourceOpening = Task.Run(() => OpenedEndpoint.OpenAsync(sourceSpec, "source", prepare: false, cancellationToken), cancellationToken);
        var targetOpening = Task.Run(() => OpenedEndpoint.OpenAsync(targetSpec, "target", prepare: false, cancellationToken), cancellationToken);
        output.Line($"[bold]Source:[/] {Markup.Escape(sourceSpec.Description)}");
        output.Line($"[bold]Target:[/] {Markup.Escape(targetSpec.Description)}");
        Timeline.Mark("verify: settings read");
        try
        {
            await Task.WhenAll(sourceOpening, targetOpening);
        }
        catch
        {
            foreach (var opening in new[] { sourceOpening, targetOpening })
                if (opening.IsCompletedSuccessfully) await opening.Result.DisposeAsync();
            await sourceOpening; // the source's error first, as when they were opened one after the other
            throw;
        }
        await using var source = sourceOpening.Result;
        await using var target = targetOpening.Result;
        Timeline.Mark("verify: source and target connected");

        IReadOnlyList<CollectionVerification> results = [];
        var startedAt = DateTime.UtcNow;
        var phase = System.Diagnostics.Stopwatch.StartNew();
        // The index check reads the application's model (built once, about a second of CPU): done beside the
        // verification, which is mostly the servers' work, instead of after it.
        var indexChecking = Task.Run(() => TargetIndexes.CheckAsync(target, selected.Select(c => c.Name).ToList(), cancellationToken), cancellationToken);
        try
        {
            await output.Human.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var observer = new ProgressObserver(context);
                    results = await new Verifier(source.Endpoint, target.Endpoint, options, observer).VerifyAsync(selected, cancellationToken);
                    observer.Finish();
                });
        }
        catch
        {
            try { await indexChecking; } catch (Exception) { /* the verification's error is the one reported */ }
            throw;
        }
        var phaseSeconds = phase.Elapsed.TotalSeconds;
        Timeline.Mark("verify: collections verified");
        var indexes = await indexChecking;

        var table = new Table().AddColumns("Collection", "Source", "Target", "Missing", "Extra", "Different", "Ranges (differing)", "Docs/s", "Result");
        foreach (var column in table.Columns.Skip(1).Take(7)) column.RightAligned();
        foreach (var r in results)
            table.AddRow(r.Collection, r.SourceCount.ToString("N0"), r.TargetCount.ToString("N0"), r.Missing.ToString("N0"), r.Extra.ToString("N0"),
                r.Different.ToString("N0"), $"{r.Ranges:N0} ({r.DifferingRanges:N0})", r.DocumentsPerSecond.ToString("N0"), r.Equal ? "[green]equal[/]" : "[red]DIFFERENT[/]");
        output.Human.Write(table);

        foreach (var r in results)
            foreach (var m in r.Mismatches)
            {
                output.Line($"[red]{m.Kind}[/] {m.Collection} tenant_id={Markup.Escape(m.TenantId)} id={Markup.Escape(m.Id)}");
                foreach (var field in m.Fields)
                    output.Line($"    {Markup.Escape(field.Path)}: source {Markup.Escape(field.Source)} ≠ target {Markup.Escape(field.Target)}");
            }
        foreach (var r in results.Where(r => r.Embeddings is not null))
            output.Line($"Embeddings ({r.Collection}): {(r.Embeddings!.Matching == r.Embeddings.WithEmbedding ? "[green]" : "[red]")}{r.Embeddings}[/]");
        foreach (var problem in indexes.Problems) output.Line($"[red]index[/] {Markup.Escape(problem)}");
        if (indexes.Problems.Count == 0) output.Line($"[green]Indexes: all {indexes.Checked} required indexes present on the target.[/]");

        Timeline.Mark("verify: indexes checked, table printed");
        var equal = results.All(r => r.Equal) && indexes.Problems.Count == 0;
        // Recorded on the target for the server's phase gate (/status/migration, section verification).
        await VerificationRecord.From(sourceSpec.Description, targetSpec.Description, source.Endpoint.Backend, target.Endpoint.Backend,
                startedAt, DateTime.UtcNow, results, indexes.Problems)
            .SaveAsync(target.Services.GetRequiredService<IMigrationStateStore>(), cancellationToken);
        var compared = results.Sum(r => r.Compared);
        // The rates' numerator: this run's documents only (a resumed run's saved tallies were compared outside this clock).
        var comparedNow = results.Sum(r => r.ComparedThisRun);
        var seconds = results.Sum(r => r.Elapsed.TotalSeconds);
        var commandSeconds = CommandClock.ProcessSeconds;
        output.Line(equal
            ? $"[green]Verified: {compared:N0} documents equal.[/]"
            : "[red]Verification FAILED: the target differs from the source (see above).[/]");
        // Rates over wall clocks: the verification phase, then the process (start-up and connections included).
        output.Line($"Verification phase {phaseSeconds:N2} s = {CommandClock.Rate(comparedNow, phaseSeconds):N0} docs/s; " +
                    $"whole command {commandSeconds:N2} s = {CommandClock.Rate(comparedNow, commandSeconds):N0} docs/s.");
        output.Result(new
        {
            command = "verify-migration",
            success = equal,
            source = sourceSpec.Description,
            target = targetSpec.Description,
            collections = results.Select(r => new
            {
                collection = r.Collection, equal = r.Equal, source_count = r.SourceCount, target_count = r.TargetCount, compared = r.Compared,
                ranges = r.Ranges, differing_ranges = r.DifferingRanges, missing = r.Missing, extra = r.Extra, different = r.Different,
                seconds = Math.Round(r.Elapsed.TotalSeconds, 3), docs_per_second = Math.Round(r.DocumentsPerSecond), resumed = r.Resumed,
                path = r.Raw ? "raw" : "models",
                embeddings = r.Embeddings is null ? null : new { with_embedding = r.Embeddings.WithEmbedding, matching = r.Embeddings.Matching, text = r.Embeddings.ToString() },
                mismatches = r.Mismatches.Select(m => new
                {
                    kind = m.Kind, tenant_id = m.TenantId, id = m.Id,
                    fields = m.Fields.Select(f => new { path = f.Path, source = f.Source, target = f.Target }),
                }),
            }),
            indexes = new { @checked = indexes.Checked, problems = indexes.Problems },
            // seconds adds up the collections' own clocks (they overlap); phase_seconds is the verification's wall clock,
            // the rate's denominator; command_seconds the process's so far (start-up included).
            totals = new
            {
                compared, compared_this_run = comparedNow, seconds = Math.Round(seconds, 3), docs_per_second = Math.Round(CommandClock.Rate(comparedNow, phaseSeconds)),
                phase_seconds = Math.Round(phaseSeconds, 3), parallel = options.Parallelism,
                command_seconds = Math.Round(commandSeconds, 3), command_docs_per_second = Math.Round(CommandClock.Rate(comparedNow, commandSeconds)),
            },
        });
        Timeline.Mark("verify: recorded, reported");
        return equal ? ExitCodes.Success : ExitCodes.Failed;
    }

    private sealed class ProgressObserver(ProgressContext context) : IVerifyObserver
    {
        private readonly Dictionary<string, ProgressTask> tasks = [];

        // Collections are verified concurrently: the observer is called from several tasks.
        private readonly Lock gate = new();

        public void Started(string collection, long sourceCount, long targetCount, long alreadyCompared, bool resumed)
        {
            lock (gate)
            {
                var task = context.AddTask($"{collection,-26}", maxValue: Math.Max(1, Math.Max(sourceCount, targetCount)));
                task.Value = Math.Min(alreadyCompared, task.MaxValue);
                tasks[collection] = task;
            }
        }

        public void Progress(string collection, long compared)
        {
            lock (gate) tasks[collection].Value = Math.Min(compared, tasks[collection].MaxValue);
        }

        public void Finish()
        {
            lock (gate)
                foreach (var task in tasks.Values) task.Value = task.MaxValue;
        }
    }
}
