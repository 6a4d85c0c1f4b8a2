// Summarises the VSTest .trx files that scripts/test.sh writes (one per test project):
// per-project counts, the failed tests, the skipped tests grouped by their skip reason, and, as the very last
// line, "N passed, N failed, N skipped". Exits 1 when any test failed or no test ran at all.
// A project named with --exited-nonzero whose results hold no failed test did not complete (its test host crashed,
// or the run was aborted before writing results): it counts as one failed test, so that the closing line never
// reads "0 failed" for a run that did not succeed.
// Usage: dotnet run scripts/lib/TrxSummary.cs -- <results-directory> [--exited-nonzero <project>]...
using System.Xml.Linq;

XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

if (args.Length == 0 || !Directory.Exists(args[0]) || args.Length % 2 == 0 || args.Skip(1).Where((_, i) => i % 2 == 0).Any(a => a != "--exited-nonzero"))
{
    Console.Error.WriteLine("usage: TrxSummary <results-directory> [--exited-nonzero <project>]...");
    return 2;
}
var exitedNonZero = args.Skip(1).Where((_, i) => i % 2 == 1).ToList();

var results = new List<TestResult>();
var trxFiles = Directory.GetFiles(args[0], "*.trx").Order(StringComparer.Ordinal).ToList();

Console.WriteLine();
Console.WriteLine("==> Test results");
foreach (var file in trxFiles)
{
    var project = Path.GetFileNameWithoutExtension(file);
    var fromFile = XDocument.Load(file)
        .Descendants(ns + "UnitTestResult")
        .Select(r => new TestResult(
            project,
            (string?)r.Attribute("testName") ?? "(unnamed test)",
            Classify((string?)r.Attribute("outcome")),
            r.Element(ns + "Output")?.Element(ns + "ErrorInfo")?.Element(ns + "Message")?.Value.Trim()))
        .ToList();
    results.AddRange(fromFile);
    Console.WriteLine($"    {project}: {Counts(fromFile)}");
}
if (trxFiles.Count == 0) Console.WriteLine("    no .trx file was written");
var recorded = results.Count;
foreach (var project in exitedNonZero.Where(p => !results.Any(r => r.Project == p && r.Outcome == Outcome.Failed)))
{
    Console.WriteLine($"    {project}: the test run did not complete (see its output above)");
    results.Add(new TestResult(project, "(test run aborted: the test host crashed or exited early)", Outcome.Failed, null));
}

var failed = results.Where(r => r.Outcome == Outcome.Failed).ToList();
if (failed.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine($"==> Failed tests ({failed.Count}); details are in the test output above");
    foreach (var test in failed) Console.WriteLine($"    {test.Project}: {test.Name}");
}

var skipped = results.Where(r => r.Outcome == Outcome.Skipped).ToList();
if (skipped.Count > 0)
{
    const int namesShown = 5;
    Console.WriteLine();
    Console.WriteLine($"==> Skipped tests ({skipped.Count}), by reason");
    foreach (var group in skipped.GroupBy(t => t.Message ?? "(no reason given)").OrderByDescending(g => g.Count()))
    {
        Console.WriteLine($"    [{group.Count()}] {group.Key.ReplaceLineEndings(" ")}");
        foreach (var test in group.Take(namesShown)) Console.WriteLine($"          {test.Project}: {test.Name}");
        if (group.Count() > namesShown) Console.WriteLine($"          … and {group.Count() - namesShown} more");
    }
}

if (recorded == 0)
{
    Console.WriteLine();
    Console.WriteLine("==> No test ran");
}

Console.WriteLine();
Console.WriteLine(Counts(results));
return failed.Count > 0 || recorded == 0 ? 1 : 0;

static string Counts(IReadOnlyCollection<TestResult> tests) =>
    $"{tests.Count(t => t.Outcome == Outcome.Passed)} passed, " +
    $"{tests.Count(t => t.Outcome == Outcome.Failed)} failed, " +
    $"{tests.Count(t => t.Outcome == Outcome.Skipped)} skipped";

// VSTest writes skipped tests as "NotExecuted"; every outcome that is neither a pass nor a skip
// (Failed, Error, Timeout, Aborted, …) counts as a failure.
static Outcome Classify(string? outcome) => outcome switch
{
    "Passed" => Outcome.Passed,
    "NotExecuted" => Outcome.Skipped,
    _ => Outcome.Failed,
};

enum Outcome { Passed, Failed, Skipped }

record TestResult(string Project, string Name, Outcome Outcome, string? Message);
