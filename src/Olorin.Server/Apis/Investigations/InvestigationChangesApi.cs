using Microsoft.AspNetCore.Mvc;

namespace Olorin.Server.Apis.Investigations;

/// <summary>
/// An investigation's history and deltas as the existing clients read them: <c>/audit</c>, <c>/changes</c> and
/// <c>/version</c>, under both prefixes of <see cref="InvestigationsApi"/>.
/// </summary>
public static class InvestigationChangesApi
{
    public const int DefaultAuditLimit = 100;
    public const int MaxAuditLimit = 1000;

    public static RouteGroupBuilder MapInvestigationChangeRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/{investigationId}/audit", GetAudit)
            .WithSummary("The investigation's audit trail, newest first (limit 1–1000, default 100).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{investigationId}/changes", GetChanges)
            .WithSummary("The changes after since_version, oldest first, from the audit trail; the current document with include_snapshot=true.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{investigationId}/version", GetVersion)
            .WithSummary("The investigation's current version, updated_at and ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<Results<Ok<List<HistoryEntryResponse>>, ValidationProblem, ProblemHttpResult>> GetAudit(
        string investigationId,
        [AsParameters] InvestigationServices services,
        [FromQuery] string? limit,
        [FromQuery] string? offset,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var take = QueryValues.Integer(errors, "limit", limit, 1, MaxAuditLimit) ?? DefaultAuditLimit;
        var skip = QueryValues.Integer(errors, "offset", offset, 0) ?? 0;
        if (!errors.IsEmpty) return errors.ToProblem();

        var tenant = services.Identity.TenantId;
        var entries = await services.AuditLog.GetHistoryAsync(tenant, investigationId, take, skip, cancellationToken);
        if (entries.Count == 0 && (skip == 0 || (await services.AuditLog.GetHistoryAsync(tenant, investigationId, 1, 0, cancellationToken)).Count == 0))
            return InvestigationProblems.NotFound(investigationId);
        return TypedResults.Ok(entries.Select(HistoryEntryResponse.From).ToList());
    }

    public static async Task<Results<Ok<ChangesResponse>, ValidationProblem, ProblemHttpResult>> GetChanges(
        string investigationId,
        [AsParameters] InvestigationServices services,
        InvestigationChangeFeed feed,
        [FromQuery(Name = "since_version")] string? sinceVersion,
        [FromQuery(Name = "include_snapshot")] string? includeSnapshot,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var since = RequiredSinceVersion(errors, sinceVersion);
        var withSnapshot = QueryValues.Boolean(errors, "include_snapshot", includeSnapshot) ?? false;
        if (!errors.IsEmpty || since is not { } version) return errors.ToProblem();

        var changes = await ReadChangesAsync(services, feed, investigationId, version, withSnapshot, cancellationToken);
        return changes is null ? InvestigationProblems.NotFound(investigationId) : TypedResults.Ok(changes);
    }

    public static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> GetVersion(
        string investigationId,
        [AsParameters] InvestigationServices services,
        CancellationToken cancellationToken)
    {
        var investigation = await services.Investigations.GetAsync(services.Identity.TenantId, investigationId, cancellationToken);
        if (investigation is null) return InvestigationProblems.NotFound(investigationId);
        return TypedResults.Ok(new VersionResponse(investigation.InvestigationId, investigation.Version, investigation.UpdatedAt, InvestigationETag.For(investigation)));
    }

    /// <summary><c>since_version</c>: required, a whole number ≥ 0 (0 means from the creation on).</summary>
    public static int? RequiredSinceVersion(ValidationErrors errors, string? value)
    {
        if (value is null) errors.Add("since_version", "since_version is required (the version you last read; 0 for every change).");
        return QueryValues.Integer(errors, "since_version", value, 0);
    }

    /// <summary>The <c>/changes</c> answer; null when the investigation has no history in the caller's tenant.</summary>
    public static async Task<ChangesResponse?> ReadChangesAsync(
        InvestigationServices services, InvestigationChangeFeed feed, string investigationId, int sinceVersion, bool withSnapshot,
        CancellationToken cancellationToken)
    {
        var tenant = services.Identity.TenantId;
        var set = await feed.SinceVersionAsync(tenant, investigationId, sinceVersion, cancellationToken);
        if (set is null) return null;
        var current = await services.Investigations.GetAsync(tenant, investigationId, cancellationToken);
        return new ChangesResponse(
            investigationId, sinceVersion, current?.Version, set.Changes.Count > 0,
            set.Changes.Select(ChangeResponse.From).ToList(), set.Complete,
            withSnapshot && current is not null ? InvestigationResponse.From(current) : null);
    }
}
