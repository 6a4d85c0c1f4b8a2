using Olorin.Core.Embeddings;

namespace Olorin.Server.Apis.Anomalies;

/// <summary>
/// <c>POST /anomalies/bulk</c>: up to <see cref="AnomalyRules.MaxPerBulkRequest"/> anomalies in one request and one
/// write, idempotent by anomaly_id like the transaction-score batch: 201 when the request added anomalies, 200 when
/// every one was already stored. One invalid anomaly rejects the request (400 naming <c>anomalies[i].field</c>) and
/// nothing is written.
/// </summary>
public static class AnomalyBulkInsert
{
    /// <summary>1,000 anomalies with a 384-value embedding each are about 6 MB of JSON.</summary>
    public const long MaxRequestBytes = 16 * 1024 * 1024;

    public static async Task<Results<Created<BulkCreateAnomaliesResponse>, Ok<BulkCreateAnomaliesResponse>, ValidationProblem>> Insert(
        BulkCreateAnomaliesRequest request,
        [AsParameters] AnomalyServices services,
        CancellationToken cancellationToken)
    {
        var items = request.Anomalies ?? [];
        var errors = Validate(items, services.EmbeddingDimension);
        if (errors.IsEmpty) await RequireInvestigationsAsync(errors, items!, services, cancellationToken);
        if (!errors.IsEmpty) return errors.ToProblem();

        var now = UtcTime.Now(services.Clock);
        var anomalies = items.Select(item => item!.ToAnomaly(services.Identity.TenantId, now)).ToList();
        var inserted = await services.Anomalies.InsertManyAsync(services.Identity.TenantId, anomalies, cancellationToken);
        // Those sent without an embedding get one from the worker; one already stored is skipped there (it re-reads
        // the store and never replaces an embedding), so which of them this request inserted does not matter.
        foreach (var anomaly in anomalies.Where(a => a.Embedding.Length == 0))
            services.EmbeddingQueue.Enqueue(EmbeddingCollection.Anomalies, anomaly.TenantId, anomaly.AnomalyId);

        var response = new BulkCreateAnomaliesResponse(inserted, anomalies.Count - inserted);
        return inserted > 0
            ? TypedResults.Created($"{services.HttpContext.Request.PathBase}/anomalies", response)
            : TypedResults.Ok(response);
    }

    /// <summary>Every anomaly's content rules, under <c>anomalies[i].</c>; ids required and not repeated.</summary>
    public static ValidationErrors Validate(IReadOnlyList<CreateAnomalyRequest?> items, int embeddingDimension)
    {
        var errors = new ValidationErrors();
        AnomalyRules.BulkSize(errors, "anomalies", items.Count);
        if (items.Count > AnomalyRules.MaxPerBulkRequest) return errors;

        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"anomalies[{i}]";
            if (items[i] is not { } item) { errors.Add(prefix, $"{prefix} must be an object."); continue; }
            foreach (var (field, messages) in item.Validate(embeddingDimension).ToDictionary())
                foreach (var message in messages) errors.Add($"{prefix}.{field}", $"{prefix}.{message}");
            if (string.IsNullOrEmpty(item.AnomalyId))
                errors.Add($"{prefix}.anomaly_id", $"{prefix}.anomaly_id is required in a bulk request: it is what makes a retry idempotent.");
            else if (!firstIndexOf.TryAdd(item.AnomalyId, i))
                errors.Add($"{prefix}.anomaly_id", $"{prefix}.anomaly_id repeats anomalies[{firstIndexOf[item.AnomalyId]}].anomaly_id ('{item.AnomalyId}').");
        }
        return errors;
    }

    /// <summary>Each investigation an anomaly links to exists in the tenant (read once per distinct id).</summary>
    private static async Task RequireInvestigationsAsync(
        ValidationErrors errors, IReadOnlyList<CreateAnomalyRequest> items, AnomalyServices services, CancellationToken cancellationToken)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in items.Select(i => i.InvestigationId).OfType<string>().Distinct(StringComparer.Ordinal))
            if (!await services.InvestigationExistsAsync(id, cancellationToken)) missing.Add(id);
        for (var i = 0; i < items.Count; i++)
            if (items[i].InvestigationId is { } id && missing.Contains(id))
                errors.Add($"anomalies[{i}].investigation_id", $"anomalies[{i}].investigation_id: investigation '{id}' does not exist in this tenant.");
    }
}
