using System.Text.Json;

namespace Olorin.Migration.Canonical;

/// <summary>One field whose canonical values differ: its path (<c>settings.tools[0].config.x</c>) and both values.</summary>
public sealed record FieldDifference(string Path, string Source, string Target);

/// <summary>Compares two canonical forms field by field.</summary>
public static class FieldDiff
{
    private const int MaxValueLength = 80;
    private const int MaxArrayDifferences = 5;

    public static IReadOnlyList<FieldDifference> Compare(byte[] source, byte[] target, int limit = 50)
    {
        using var left = JsonDocument.Parse(source);
        using var right = JsonDocument.Parse(target);
        var differences = new List<FieldDifference>();
        Walk(left.RootElement, right.RootElement, "", differences, limit);
        return differences;
    }

    private static void Walk(JsonElement a, JsonElement b, string path, List<FieldDifference> into, int limit)
    {
        if (into.Count >= limit) return;
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            var names = a.EnumerateObject().Select(p => p.Name).Union(b.EnumerateObject().Select(p => p.Name)).Order(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var child = path.Length == 0 ? name : $"{path}.{name}";
                var hasA = a.TryGetProperty(name, out var va);
                var hasB = b.TryGetProperty(name, out var vb);
                if (hasA && hasB) Walk(va, vb, child, into, limit);
                else into.Add(new(child, hasA ? Show(child, va) : "(absent)", hasB ? Show(child, vb) : "(absent)"));
                if (into.Count >= limit) return;
            }
            return;
        }
        if (a.ValueKind == JsonValueKind.Array && b.ValueKind == JsonValueKind.Array)
        {
            var la = a.GetArrayLength();
            var lb = b.GetArrayLength();
            if (la != lb) into.Add(new($"{path}.length", la.ToString(), lb.ToString()));
            var reported = 0;
            for (var i = 0; i < Math.Min(la, lb) && reported < MaxArrayDifferences; i++)
            {
                var before = into.Count;
                Walk(a[i], b[i], $"{path}[{i}]", into, limit);
                if (into.Count > before) reported++;
            }
            return;
        }
        if (a.ValueKind != b.ValueKind || a.GetRawText() != b.GetRawText())
            into.Add(new(path, Show(path, a), Show(path, b)));
    }

    /// <summary>A value for a report; secrets (any field whose name mentions a token, secret or password) are never shown.</summary>
    private static string Show(string path, JsonElement value)
    {
        var lower = path.ToLowerInvariant();
        if (lower.Contains("token") || lower.Contains("secret") || lower.Contains("password")) return "(hidden)";
        var text = value.GetRawText();
        if (value.ValueKind == JsonValueKind.Number) text += text.AsSpan().IndexOfAny('.', 'E') >= 0 ? " (double)" : " (integer)";
        return text.Length <= MaxValueLength ? text : text[..MaxValueLength] + "…";
    }
}
