using Spectre.Console;

namespace Olorin.Cli.Setup;

/// <summary>One of the runbook's seven checks: its name, whether it passed, what was found, and what to change.</summary>
public sealed record SetupCheck(string Name, bool Passed, string Summary, IReadOnlyList<string> Problems)
{
    public static SetupCheck Pass(string name, string summary) => new(name, true, summary, []);

    public static SetupCheck Fail(string name, string summary, IReadOnlyList<string>? problems = null) => new(name, false, summary, problems ?? []);
}

/// <summary>The seven checks in the runbook's order, printed in its PASS/FAIL summary format.</summary>
public static class SetupReport
{
    public static readonly string[] CheckNames = ["Connection", "Collections", "Indexes", "Time Series", "Vector Search", "Permissions", "Performance"];

    public static string Render(string title, IReadOnlyList<SetupCheck> checks, string backendName)
    {
        var rule = new string('=', 80);
        var text = new System.Text.StringBuilder();
        text.AppendLine(rule).AppendLine($"{title} Verification Starting").AppendLine(rule).AppendLine();
        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            text.AppendLine($"{i + 1}. Verifying {check.Name.ToLowerInvariant()}...");
            text.AppendLine($"   {(check.Passed ? "✅" : "❌")} {check.Summary}");
            foreach (var problem in check.Problems) text.AppendLine($"      - {problem}");
            text.AppendLine();
        }
        text.AppendLine(rule).AppendLine("📊 Verification Summary").AppendLine(rule);
        foreach (var check in checks) text.AppendLine($"{(check.Passed ? "✅ PASS" : "❌ FAIL")}: {check.Name}");
        var passed = checks.Count(c => c.Passed);
        text.AppendLine().AppendLine($"Total Checks: {checks.Count}").AppendLine($"Passed: {passed}").AppendLine($"Failed: {checks.Count - passed}").AppendLine();
        text.AppendLine(passed == checks.Count
            ? $"✅ All verifications passed! {backendName} setup is correct."
            : $"❌ {checks.Count - passed} verification(s) failed. {backendName} setup needs the changes listed above.");
        text.AppendLine(rule);
        return text.ToString();
    }

    public static object Json(string backend, string target, IReadOnlyList<SetupCheck> checks) => new
    {
        command = "verify-setup",
        success = checks.All(c => c.Passed),
        backend,
        target,
        checks = checks.Select(c => new { name = c.Name, passed = c.Passed, summary = c.Summary, problems = c.Problems }),
        total = checks.Count,
        passed = checks.Count(c => c.Passed),
        failed = checks.Count(c => !c.Passed),
    };
}
