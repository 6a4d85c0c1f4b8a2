using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Cli.Cli;
using Olorin.Migration.Collections;
using Olorin.Migration.Copying;
using Olorin.Migration.Diagnostics;
using Olorin.Migration.Preflight;
using Spectre.Console;

namespace Olorin.Cli.Commands;

/// <summary><c>olorin migrate</c>: preflight, prepare the target, copy every collection, resumably and idempotently.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var collections = CommonOptions.Collections();
        var batchSize = new Option<int?>("--batch-size")
        {
            Description = $"Documents per batch. Through the models: per read and per write batch, default {CopyOptions.DefaultBatchSize:N0} (memory holds two batches per collection). "
                          + $"On the PostgreSQL → PostgreSQL raw path: per COPY transaction and checkpoint, default {CopyOptions.DefaultRawBatchSize:N0} (streamed: memory does not depend on it).",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Preflight and count only: write nothing, not even the schema, and say what a run would do." };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Copy the rest when the preflight finds documents the target cannot hold (they are counted as skipped and listed); by default such findings stop the migration before it writes." };
        var restart = new Option<bool>("--restart") { Description = "Ignore the checkpoints a stopped run left on the target and copy everything again (upserts: nothing is duplicated)." };
        var noPreflight = new Option<bool>("--no-preflight") { Description = "Skip the preflight scan (it reads the source once more; between two PostgreSQL databases the source server clears most collections in one query each)." };
        var portable = CommonOptions.Portable();
        var parallel = CommonOptions.Parallel("copied");

        var command = new Command("migrate", """
            Copy every document from the source to the target through the repository ports, in batches, as upserts
            keyed by (tenant_id, id): a second run changes nothing. A checkpoint per collection is stored on the target
            after every batch, so a killed run resumes where it stopped when started again (from any machine).
            version, created_at and updated_at are copied exactly. Before writing, a preflight scans the source for
            documents the target cannot hold as is (size limits, '$'/'.' keys, non-finite numbers, embedding
            dimensions, timestamps finer than the target stores, NUL characters) and names them. Between two
            PostgreSQL databases of the same schema, batches move as binary COPY: straight into a table that holds
            nothing beyond the checkpoint (a fresh load), otherwise into a staging table and one upsert (--portable:
            through the models, as PostgreSQL <-> MongoDB always does).

            Examples:
              olorin migrate                                         # DATABASE_URL → MONGODB_URI/MONGODB_DATABASE
              olorin migrate --from postgresql://olorin:pw@db:5432/olorin --to mongodb+srv://user:pw@cluster/olorin
              olorin migrate --from mongodb://mongo:27017/olorin --to postgresql://olorin:pw@db:5432/olorin   # rollback
              olorin migrate --collections investigations,audit_log --batch-size 2000
              olorin migrate --dry-run --json
            Exit code: 0 when every document was copied; 1 when a document failed, was skipped or the preflight found
            problems; 2 when a database cannot be reached or the arguments are wrong.
            """);
        foreach (var option in new Option[] { from, to, collections, batchSize, dryRun, skipInvalid, restart, noPreflight, portable, parallel, json }) command.Options.Add(option);

        command.SetAction((parse, cancellationToken) =>
        {
            var output = new CliOutput(parse.GetValue(json));
            return CommandRunner.RunAsync(output, "migrate", () => RunAsync(output, new Arguments(
                parse.GetValue(from), parse.GetValue(to), parse.GetValue(collections), parse.GetValue(batchSize),
                parse.GetValue(dryRun), parse.GetValue(skipInvalid), parse.GetValue(restart), parse.GetValue(noPreflight), parse.GetValue(portable), parse.GetValue(parallel)), cancellationToken));
        });
        return command;
    }

    private sealed record Arguments(string? From, string? To, string? Collections, int? BatchSize, bool DryRun, bool SkipInvalid, bool Restart, bool NoPreflight, bool Portable = false, int Parallel = CopyOptions.DefaultParallelism);

    private static async Task<int> RunAsync(CliOutput output, Arguments args, CancellationToken cancellationToken)
    {
        if (args.BatchSize is not null and (< 1 or > 100_000)) throw new CliException("--batch-size must be between 1 and 100000.");
        if (args.Parallel is < 1 or > 10) throw new CliException("--parallel must be between 1 and 10.");
        var configuration = CliConfiguration.Build();
        var sourceSpec = EndpointSpec.Resolve(args.From, Backend.Postgres, configuration, "--from");
        var targetSpec = EndpointSpec.Resolve(args.To, Backend.MongoDb, configuration, "--to");
        if (sourceSpec.Description == targetSpec.Description) throw new CliException("--from and --to name the same database.");
        IReadOnlyList<MigrationCollection> selected;
        try
        {
            selected = MigrationCollections.Select(args.Collections?.Split(','));
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--collections: {ex.Message}");
        }

        // The target is prepared while the source is opened (and scanned by the preflight), on a thread of its own
        // from the start (composing a provider is a tenth of a second of type loading) while the console writes the
        // header, with its own token: a source that cannot be opened stops it (AbandonTarget). Without a preflight
        // nothing waits for the source before the target is written. With one, a PostgreSQL target is only staged
        // meanwhile (StagedTarget: the database created when missing, the schema script applied in a transaction
        // left open) and committed once the preflight passed; a preflight with findings abandons it (the script rolled
        // back, a database it created dropped), so the target is left as it was found. A MongoDB target's bootstrap
        // cannot be held back like that: with a preflight it waits for it.
        var early = !args.DryRun && (args.NoPreflight || targetSpec.Backend == Backend.Postgres);
        var targetPreparation = early ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        Task<StagedTarget>? staging = early && !args.NoPreflight
            ? Task.Run(() => StagedTarget.StageAsync(targetSpec, "target", targetPreparation!.Token), targetPreparation!.Token)
            : null;
        Task<OpenedEndpoint>? targetOpening = early && args.NoPreflight
            ? Task.Run(() => PrepareTargetAsync(targetSpec, targetPreparation!.Token), targetPreparation!.Token)
            : null;
        var sourceOpening = Task.Run(() => OpenedEndpoint.OpenAsync(sourceSpec, "source", prepare: false, cancellationToken), cancellationToken);
        output.Line($"[bold]Source:[/] {Markup.Escape(sourceSpec.Description)}");
        output.Line($"[bold]Target:[/] {Markup.Escape(targetSpec.Description)}");
        Timeline.Mark("migrate: settings read");
        OpenedEndpoint source;
        PreflightReport? preflight = null;
        var targetLimits = targetSpec.Backend == Backend.Postgres ? TargetLimits.PostgreSql : TargetLimits.MongoDb;
        try
        {
            source = await sourceOpening;
            Timeline.Mark("migrate: source connected");
            if (!args.NoPreflight)
            {
                try
                {
                    preflight = await PreflightAsync(output, source, targetLimits, selected, cancellationToken);
                }
                catch
                {
                    await source.DisposeAsync();
                    throw;
                }
                Timeline.Mark("migrate: preflight done");
                ReportPreflight(output, preflight);
            }
        }
        catch
        {
            if (targetOpening is not null) await AbandonTargetAsync(targetOpening, targetPreparation!, opened => opened.DisposeAsync().AsTask());
            if (staging is not null) await AbandonTargetAsync(staging, targetPreparation!, staged => staged.AbandonAsync());
            throw;
        }
        await using var sourceLease = source;

        if (args.DryRun) return await DryRunAsync(output, source, targetSpec, selected, preflight, args, cancellationToken);

        if (preflight is { Clean: false } && !args.SkipInvalid)
        {
            if (staging is not null) await AbandonStagingAsync(output, staging);
            output.Line("[red]The preflight found documents the target cannot hold as is; nothing was written.[/] Fix them at the source, or rerun with --skip-invalid to copy the rest.");
            output.Result(new { command = "migrate", success = false, source = sourceSpec.Description, target = targetSpec.Description, preflight = PreflightJson(preflight), collections = Array.Empty<object>() });
            return ExitCodes.Failed;
        }

        output.Line("Preparing the target (schema migrations / bootstrap)…");
        await using var target = staging is not null
            ? await (await staging).CommitAsync(cancellationToken)
            : await (targetOpening ?? PrepareTargetAsync(targetSpec, cancellationToken));
        targetPreparation?.Dispose();
        Timeline.Mark("migrate: target prepared");

        var options = new CopyOptions
        {
            BatchSize = args.BatchSize ?? CopyOptions.DefaultBatchSize,
            RawBatchSize = args.BatchSize ?? CopyOptions.DefaultRawBatchSize,
            Restart = args.Restart,
            RawRows = !args.Portable,
            Parallelism = args.Parallel,
            Skip = preflight is { Clean: false } ? preflight.KeysByCollection() : new Dictionary<string, HashSet<Olorin.Migration.DocumentKey>>(),
        };
        var phase = System.Diagnostics.Stopwatch.StartNew();
        var results = await CopyWithProgressAsync(output, source, target, selected, options, cancellationToken);
        var phaseSeconds = phase.Elapsed.TotalSeconds;

        Timeline.Mark("migrate: copy done");
        var failed = results.Sum(r => r.Failed);
        var skipped = results.Sum(r => r.Skipped);
        PrintTable(output, results, phaseSeconds);
        // This run's documents only: a resumed collection's Copied includes what earlier runs copied, outside this clock.
        var copiedNow = results.Sum(r => r.CopiedThisRun);
        var commandSeconds = CommandClock.ProcessSeconds;
        // Rates over wall clocks: the copy phase (index builds included), then the process (start-up, preparing the target).
        output.Line($"Copy phase {phaseSeconds:N2} s = {CommandClock.Rate(copiedNow, phaseSeconds):N0} docs/s with index builds; " +
                    $"whole command {commandSeconds:N2} s = {CommandClock.Rate(copiedNow, commandSeconds):N0} docs/s.");
        foreach (var result in results)
            foreach (var failure in result.Failures)
                output.Line($"[red]failed[/] {result.Collection} {Markup.Escape(failure.Key.ToString())}: {Markup.Escape(failure.Error)}");

        var success = failed == 0 && skipped == 0;
        output.Line(success
            ? "[green]Migration complete.[/] Next: olorin verify-migration with the same --from/--to."
            : $"[red]Migration finished with {failed:N0} failed and {skipped:N0} skipped document(s).[/]");
        output.Result(new
        {
            command = "migrate",
            success,
            source = sourceSpec.Description,
            target = targetSpec.Description,
            dry_run = false,
            batch_size = args.BatchSize ?? CopyOptions.DefaultBatchSize,
            raw_batch_size = args.BatchSize ?? CopyOptions.DefaultRawBatchSize,
            preflight = preflight is null ? null : PreflightJson(preflight),
            collections = results.Select(r => new
            {
                collection = r.Collection, source_count = r.SourceCount, copied = r.Copied, skipped = r.Skipped, failed = r.Failed,
                seconds = Math.Round(r.Elapsed.TotalSeconds, 3), docs_per_second = Math.Round(r.DocumentsPerSecond),
                index_build_seconds = Math.Round(r.IndexBuild.TotalSeconds, 3), resumed = r.Resumed, path = r.Raw ? "raw" : "models",
                already_complete = r.AlreadyComplete,
                failures = r.Failures.Select(f => new { tenant_id = f.Key.TenantId, id = f.Key.Id, error = f.Error }),
            }),
            totals = new
            {
                source_count = results.Sum(r => r.SourceCount), copied = results.Sum(r => r.Copied), copied_this_run = copiedNow, skipped, failed,
                seconds = Math.Round(results.Sum(r => r.Elapsed.TotalSeconds), 3),
                index_build_seconds = Math.Round(results.Sum(r => r.IndexBuild.TotalSeconds), 3),
                // Wall clock of the copy with its index builds (collections overlap: the sums above add up their own clocks),
                // the rate's denominator (its numerator copied_this_run: copied less earlier runs' work on resumed or complete
                // collections); command_seconds the process's so far (start-up and preparing the target included).
                phase_seconds = Math.Round(phaseSeconds, 3),
                docs_per_second = Math.Round(CommandClock.Rate(copiedNow, phaseSeconds)),
                command_seconds = Math.Round(commandSeconds, 3),
                command_docs_per_second = Math.Round(CommandClock.Rate(copiedNow, commandSeconds)),
                parallel = args.Parallel,
            },
        });
        Timeline.Mark("migrate: reported");
        return success ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>
    /// The source could not be opened or scanned: cancels the target's preparation and returns at once, so the
    /// source's error is reported without waiting for the target (which may be slow, or unreachable until its connect
    /// timeout). A preparation that finishes anyway is closed (<paramref name="close"/>: a staged target abandoned) when
    /// it does, if the process still runs; its outcome, cancellation included, is not reported. Not awaited: a
    /// cancelled opening closes what it built (<see cref="OpenedEndpoint.OpenAsync"/>) but only once the driver returns,
    /// and Npgsql does not observe cancellation while a server that accepted the connection is silent in the start-up
    /// handshake (UnreachableSourceTests: awaiting it took the target's 120 s connect timeout). A database created for
    /// the target may therefore be left, empty.
    /// </summary>
    private static async Task AbandonTargetAsync<T>(Task<T> preparing, CancellationTokenSource preparation, Func<T, Task> close)
    {
        await preparation.CancelAsync();
        _ = preparing.ContinueWith(async finished =>
        {
            preparation.Dispose();
            if (finished.IsCompletedSuccessfully) await close(finished.Result);
            else _ = finished.Exception; // observed: not the error this command reports
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }

    /// <summary>
    /// The preflight found what the target cannot hold: the staged target is rolled back (and a database it created
    /// dropped) before the command ends. A staging that failed left nothing to roll back; its error is not the one
    /// reported. A database that cannot be dropped (another session connected to it meanwhile) is named, not fatal:
    /// the preflight's findings are what the command reports.
    /// </summary>
    private static async Task AbandonStagingAsync(CliOutput output, Task<StagedTarget> staging)
    {
        StagedTarget staged;
        try
        {
            staged = await staging;
        }
        catch (Exception)
        {
            return;
        }
        try
        {
            await staged.AbandonAsync();
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            output.Line($"[yellow]The target database created for this run could not be dropped again (it is empty):[/] {Markup.Escape(CommandRunner.Redact(ex.Message))}");
        }
    }

    private static Task<OpenedEndpoint> PrepareTargetAsync(EndpointSpec targetSpec, CancellationToken cancellationToken)
        => OpenedEndpoint.OpenAsync(targetSpec, "target", prepare: true, cancellationToken);

    private static async Task<PreflightReport> PreflightAsync(
        CliOutput output, OpenedEndpoint source, TargetLimits limits, IReadOnlyList<MigrationCollection> selected, CancellationToken cancellationToken)
    {
        output.Line($"Preflight: scanning the source for what {limits.Backend} cannot hold as is…");
        return await PreflightScanner.ScanAsync(source.Endpoint, limits, selected, keep: 100_000, progress: null, cancellationToken);
    }

    private static void ReportPreflight(CliOutput output, PreflightReport report)
    {
        var scanned = report.Scanned.Values.Sum();
        if (report.Clean)
        {
            output.Line($"[green]Preflight: {scanned:N0} documents scanned, nothing the target cannot hold.[/]");
            return;
        }
        output.Line($"[red]Preflight: {report.TotalFindings:N0} finding(s) in {scanned:N0} documents:[/]");
        foreach (var finding in report.Findings.Take(50))
            output.Line($"  {finding.Collection} {Markup.Escape(finding.Key.ToString())} [yellow]{finding.Rule}[/]: {Markup.Escape(finding.Detail)}");
        if (report.TotalFindings > 50) output.Line($"  … and {report.TotalFindings - 50:N0} more (--json lists up to 100,000).");
    }

    private static object PreflightJson(PreflightReport report) => new
    {
        scanned = report.Scanned,
        total_findings = report.TotalFindings,
        findings = report.Findings.Select(f => new { collection = f.Collection, tenant_id = f.Key.TenantId, id = f.Key.Id, rule = f.Rule, detail = f.Detail }),
    };

    private static async Task<int> DryRunAsync(
        CliOutput output, OpenedEndpoint source, EndpointSpec targetSpec, IReadOnlyList<MigrationCollection> selected,
        PreflightReport? preflight, Arguments args, CancellationToken cancellationToken)
    {
        var counts = new List<(string Collection, long Count)>();
        foreach (var collection in selected)
        {
            await using var scope = source.Services.CreateAsyncScope();
            counts.Add((collection.Name, await collection.CountAsync(scope.ServiceProvider, cancellationToken)));
        }
        var table = new Table().AddColumns("Collection", "Source count");
        foreach (var (name, count) in counts) table.AddRow(name, count.ToString("N0"));
        table.AddRow("[bold]total[/]", $"[bold]{counts.Sum(c => c.Count):N0}[/]");
        output.Human.Write(table);
        var success = preflight is null or { Clean: true } || args.SkipInvalid;
        output.Line("Dry run: nothing was written. A real run prepares the target (schema / bootstrap), then copies in batches of "
                    + $"{args.BatchSize ?? CopyOptions.DefaultBatchSize:N0} (raw path: {args.BatchSize ?? CopyOptions.DefaultRawBatchSize:N0}){(args.Restart ? " from the start (--restart)" : ", resuming any run a checkpoint on the target says stopped part-way")}.");
        output.Result(new
        {
            command = "migrate",
            success,
            dry_run = true,
            source = source.Spec.Description,
            target = targetSpec.Description,
            preflight = preflight is null ? null : PreflightJson(preflight),
            collections = counts.Select(c => new { collection = c.Collection, source_count = c.Count }),
        });
        return success ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static async Task<IReadOnlyList<CollectionCopyResult>> CopyWithProgressAsync(
        CliOutput output, OpenedEndpoint source, OpenedEndpoint target, IReadOnlyList<MigrationCollection> selected,
        CopyOptions options, CancellationToken cancellationToken)
    {
        IReadOnlyList<CollectionCopyResult> results = [];
        await output.Human.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var observer = new ProgressObserver(output, context);
                results = await new CopyEngine(source.Endpoint, target.Endpoint, options, observer).CopyAsync(selected, cancellationToken);
                observer.Finish();
            });
        return results;
    }

    private static void PrintTable(CliOutput output, IReadOnlyList<CollectionCopyResult> results, double phaseSeconds)
    {
        var table = new Table().AddColumns("Collection", "Source count", "Copied", "Skipped", "Failed", "Docs/s", "Index build s");
        foreach (var column in table.Columns.Skip(1)) column.RightAligned();
        foreach (var r in results)
            table.AddRow(r.Collection, r.SourceCount.ToString("N0"), r.Copied.ToString("N0"), r.Skipped.ToString("N0"),
                r.Failed == 0 ? "0" : $"[red]{r.Failed:N0}[/]", r.AlreadyComplete ? "(done before)" : r.DocumentsPerSecond.ToString("N0"),
                r.IndexBuild > TimeSpan.Zero ? r.IndexBuild.TotalSeconds.ToString("N1") : "");
        // The total's rate over the copy phase's wall clock: the collections' own clocks overlap (--parallel).
        var copied = results.Sum(r => r.CopiedThisRun);
        table.AddRow("[bold]total[/]", $"[bold]{results.Sum(r => r.SourceCount):N0}[/]", $"[bold]{results.Sum(r => r.Copied):N0}[/]",
            $"[bold]{results.Sum(r => r.Skipped):N0}[/]", $"[bold]{results.Sum(r => r.Failed):N0}[/]", $"[bold]{CommandClock.Rate(copied, phaseSeconds):N0}[/]", $"[bold]{results.Sum(r => r.IndexBuild.TotalSeconds):N1}[/]");
        output.Human.Write(table);
    }

    /// <summary>One progress bar per collection, its description showing docs/s; a line per finished collection for logs.</summary>
    private sealed class ProgressObserver(CliOutput output, ProgressContext context) : ICopyObserver
    {
        private readonly Dictionary<string, (ProgressTask Task, System.Diagnostics.Stopwatch Clock, long Start)> tasks = [];

        // Collections are copied concurrently: the observer is called from several tasks.
        private readonly Lock gate = new();

        public void Started(string collection, long sourceCount, long alreadyDone, bool resumed)
        {
            lock (gate) StartedLocked(collection, sourceCount, alreadyDone, resumed);
        }

        private void StartedLocked(string collection, long sourceCount, long alreadyDone, bool resumed)
        {
            // Started again after an early start was undone (ICopyObserver.Started): the same bar starts over.
            var task = tasks.TryGetValue(collection, out var again) ? again.Task : context.AddTask(Describe(collection, 0), maxValue: Math.Max(1, sourceCount));
            task.Value = Math.Min(alreadyDone, Math.Max(1, sourceCount));
            if (resumed && alreadyDone > 0) output.Line($"{collection}: resuming after {alreadyDone:N0} document(s) (checkpoint on the target)");
            tasks[collection] = (task, System.Diagnostics.Stopwatch.StartNew(), alreadyDone);
            if (sourceCount == 0) task.Value = 1;
        }

        public void Progress(string collection, long done)
        {
            lock (gate) ProgressLocked(collection, done);
        }

        private void ProgressLocked(string collection, long done)
        {
            var (task, clock, start) = tasks[collection];
            task.Value = Math.Min(done, task.MaxValue);
            var rate = clock.Elapsed.TotalSeconds > 0 ? (done - start) / clock.Elapsed.TotalSeconds : 0;
            task.Description = Describe(collection, rate);
        }

        public void Failed(string collection, FailedDocument failure)
            => output.Line($"[red]{collection} {Markup.Escape(failure.Key.ToString())} failed:[/] {Markup.Escape(failure.Error)}");

        public void Finish()
        {
            lock (gate)
                foreach (var (task, _, _) in tasks.Values) task.Value = task.MaxValue;
        }

        private static string Describe(string collection, double rate) => $"{collection,-26} {rate,9:N0} docs/s";
    }
}
