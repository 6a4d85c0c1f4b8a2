// Prints the line and branch coverage of each src/ project, and in total, from ReportGenerator's Summary.json
// (scripts/lib/coverage.sh), and fails when the total line coverage is below the threshold.
// Usage: dotnet run scripts/lib/CoverageSummary.cs -- <Summary.json> <minimum line coverage, percent>
using System.Globalization;
using System.Text.Json.Nodes;

if (args.Length != 2 || !File.Exists(args[0]) || !double.TryParse(args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var minimum))
{
    Console.Error.WriteLine("usage: CoverageSummary <Summary.json> <minimum line coverage percent>");
    return 2;
}

var summary = JsonNode.Parse(File.ReadAllText(args[0]))!;
foreach (var assembly in summary["coverage"]!["assemblies"]!.AsArray().OrderBy(a => (string)a!["name"]!, StringComparer.Ordinal))
    Console.WriteLine($"    {(string)assembly!["name"]!,-30} {Describe(assembly)}");
var total = summary["summary"]!;
Console.WriteLine($"    {"Total",-30} {Describe(total)}");

var line = Percent((long)total["coveredlines"]!, (long)total["coverablelines"]!);
if (line < minimum)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"error: line coverage {line:0.0}% is below the threshold of {minimum:0.#}% (OLORIN_COVERAGE_MIN_LINE)"));
    return 1;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    line coverage {line:0.0}% ≥ threshold {minimum:0.#}%"));
return 0;

static string Describe(JsonNode node)
{
    long coveredLines = (long)node["coveredlines"]!, lines = (long)node["coverablelines"]!;
    long coveredBranches = (long?)node["coveredbranches"] ?? 0, branches = (long?)node["totalbranches"] ?? 0;
    return string.Create(CultureInfo.InvariantCulture,
        $"lines {Percent(coveredLines, lines),5:0.0}% ({coveredLines}/{lines})   branches {Percent(coveredBranches, branches),5:0.0}% ({coveredBranches}/{branches})");
}

static double Percent(long covered, long total) => total == 0 ? 100 : 100.0 * covered / total;
