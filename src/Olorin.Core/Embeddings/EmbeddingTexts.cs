using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Olorin.Core.Embeddings;

/// <summary>
/// The text the server embeds for a document that has no embedding, the same for every backend and for the backfill
/// (docs/embeddings.md shows examples). Deterministic: the same document always gives the same text.
/// </summary>
public static class EmbeddingTexts
{
    /// <summary>
    /// all-MiniLM-L6-v2 reads at most 256 word pieces (longer input is truncated by the tokenizer); about four
    /// characters per piece, so text past this length would never be read and is not built.
    /// </summary>
    public const int MaxLength = 1_500;

    /// <summary>
    /// "anomaly: metric {metric}; severity {severity}; detector {detector type}; cohort k=v, …; evidence k=v, …;
    /// observed {observed}, expected {expected}, score {score}". The detector type comes from the anomaly's detector
    /// (left out when that detector is gone); ids are left out, they carry no meaning a model could use.
    /// </summary>
    public static string ForAnomaly(AnomalyEvent anomaly, DetectorType? detectorType)
    {
        var text = new StringBuilder("anomaly: metric ").Append(anomaly.Metric)
            .Append("; severity ").Append(WireEnum.ToWire(anomaly.Severity));
        if (detectorType is { } type) text.Append("; detector ").Append(WireEnum.ToWire(type));
        AppendObject(text, "cohort", anomaly.Cohort);
        AppendObject(text, "evidence", anomaly.Evidence);
        text.Append("; observed ").Append(Number(anomaly.Observed))
            .Append(", expected ").Append(Number(anomaly.Expected))
            .Append(", score ").Append(Number(anomaly.Score));
        return Cap(text);
    }

    /// <summary>
    /// "investigation: {name}; entity {type} {value}, …; type {investigation_type}; summary {summary}; findings …;
    /// recommendations …": settings, results summary and findings, read from the objects as the client sent them
    /// (Decision 12; a member of another JSON type than expected is left out). Null when none of them has any text.
    /// </summary>
    public static string? ForInvestigation(Investigation investigation)
    {
        var text = new StringBuilder();
        if (investigation.Settings is { } settings)
        {
            Part(text, "investigation", StringOf(settings["name"]));
            var entities = new List<string>();
            if (!string.IsNullOrWhiteSpace(StringOf(settings["entity_value"])))
                entities.Add(Entity(settings));
            if (settings["entities"] is JsonArray list)
                entities.AddRange(list.OfType<JsonObject>().Select(Entity).Where(e => e.Length > 0));
            Part(text, "entity", string.Join(", ", entities));
            Part(text, "type", StringOf(settings["investigation_type"]));
        }
        if (investigation.Results is { } results)
        {
            Part(text, "summary", StringOf(results["summary"]));
            if (results["findings"] is JsonArray findings)
                Part(text, "findings", string.Join(" | ", findings.Where(f => f is not null).Select(f => f is JsonObject o ? Flatten(o) : Scalar(f!)).Where(f => f.Length > 0)));
            if (results["recommendations"] is JsonArray recommendations)
                Part(text, "recommendations", string.Join("; ", recommendations.Select(StringOf).Where(r => !string.IsNullOrWhiteSpace(r))));
        }
        return text.Length == 0 ? null : Cap(text);
    }

    private static string Entity(JsonObject entity) => $"{StringOf(entity["entity_type"])} {StringOf(entity["entity_value"])}".Trim();

    private static string? StringOf(JsonNode? node) => InvestigationReadings.StringOf(node);

    private static void Part(StringBuilder text, string label, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (text.Length > 0) text.Append("; ");
        text.Append(label).Append(": ").Append(value.Trim());
    }

    private static void AppendObject(StringBuilder text, string label, JsonObject value)
    {
        var flat = Flatten(value);
        if (flat.Length > 0) text.Append("; ").Append(label).Append(' ').Append(flat);
    }

    /// <summary>"key=value, key=value" over the object's members in order; nested objects and arrays inline.</summary>
    private static string Flatten(JsonObject value)
        => string.Join(", ", value.Where(p => p.Value is not null).Select(p => $"{p.Key}={Scalar(p.Value!)}"));

    private static string Scalar(JsonNode node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o => "{" + Flatten(o) + "}",
        JsonArray a => "[" + string.Join(", ", a.Where(x => x is not null).Select(x => Scalar(x!))) + "]",
        _ => node.ToJsonString(),
    };

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Cap(StringBuilder text) => text.Length <= MaxLength ? text.ToString() : text.ToString(0, MaxLength);
}
