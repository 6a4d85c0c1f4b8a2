using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Serialization;
using Olorin.Core.Tenancy;
using Olorin.Core.Validation;
using Olorin.Server.Security;

namespace Olorin.Server.Apis.Composio;

/// <summary>
/// A tenant's OAuth connections to Composio toolkits. Tokens are encrypted by <see cref="ComposioTokenProtector"/>
/// before they reach the repository and are never part of a response (Decision 7).
/// </summary>
public static class ComposioConnectionsApi
{
    public static IEndpointRouteBuilder MapComposioConnectionsApi(this IEndpointRouteBuilder app)
    {
        var connections = app.MapGroup("/composio/connections").WithTags("Composio connections");
        connections.MapGet("/", ListConnections)
            .WithSummary("Lists the tenant's connections, newest first; expired=true keeps those past expires_at or marked expired.");
        connections.MapPost("/", CreateConnection)
            .WithSummary("Stores a connection; its tokens are encrypted at rest and never returned.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        connections.MapGet("/{connectionId}", GetConnection)
            .ProducesProblem(StatusCodes.Status404NotFound);
        connections.MapPost("/{connectionId}/refresh", RefreshConnection)
            .WithSummary("Stores newly issued tokens and expiry and makes the connection active again.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        connections.MapPatch("/{connectionId}", UpdateConnectionStatus)
            .WithSummary("Sets the status: active, expired or revoked.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        connections.MapDelete("/{connectionId}", DeleteConnection)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<ComposioConnectionListResponse>, ValidationProblem>> ListConnections(
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "toolkit_name")] string? toolkitName,
        [FromQuery] string? status,
        [FromQuery] bool? expired,
        RequestIdentity identity,
        IComposioConnectionRepository connections,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        FieldRules.WireValue<ComposioConnectionStatus>(errors, "status", status);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var query = new ComposioConnectionQuery(
            toolkitName,
            status is null ? null : WireEnum.Parse<ComposioConnectionStatus>(status),
            expired == true ? UtcTime.Now(clock) : null);
        var result = await connections.ListAsync(identity.TenantId, query, request, cancellationToken);
        return TypedResults.Ok(ComposioConnectionListResponse.From(result));
    }

    public static async Task<Results<Ok<ComposioConnectionResponse>, ProblemHttpResult>> GetConnection(
        string connectionId, RequestIdentity identity, IComposioConnectionRepository connections, CancellationToken cancellationToken)
        => await connections.GetAsync(identity.TenantId, connectionId, cancellationToken) is { } connection
            ? TypedResults.Ok(ComposioConnectionResponse.From(connection))
            : ComposioProblems.ConnectionNotFound(connectionId);

    public static async Task<Results<Created<ComposioConnectionResponse>, ValidationProblem, ProblemHttpResult>> CreateConnection(
        CreateComposioConnectionRequest request,
        RequestIdentity identity,
        IComposioConnectionRepository connections,
        ComposioTokenProtector tokens,
        TimeProvider clock,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = ComposioRules.ValidateConnection(
            request.ConnectionId, request.ToolkitName, request.ComposioConnectionId, request.AccessToken, request.RefreshToken, request.Status);
        ResourceIds.RequireAddressable(errors, "connection_id", request.ConnectionId);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var now = UtcTime.Now(clock);
        var connection = new ComposioConnection
        {
            ConnectionId = request.ConnectionId ?? Guid.NewGuid().ToString(),
            TenantId = identity.TenantId,
            ToolkitName = request.ToolkitName!,
            ComposioConnectionId = request.ComposioConnectionId!,
            Status = request.Status is null ? ComposioConnectionStatus.Active : WireEnum.Parse<ComposioConnectionStatus>(request.Status),
            EncryptedAccessToken = tokens.Protect(request.AccessToken!),
            RefreshToken = tokens.ProtectOptional(request.RefreshToken),
            ExpiresAt = UtcTime.Normalize(request.ExpiresAt),
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await connections.CreateAsync(connection, cancellationToken) switch
        {
            Outcome<ComposioConnection>.Ok(var created) => TypedResults.Created(
                ResourceLocation.Child(http.Request, created.ConnectionId),
                ComposioConnectionResponse.From(created)),
            Outcome<ComposioConnection>.Duplicate(var key) => ComposioProblems.Duplicate(key, connection.ConnectionId),
            var other => throw ApiProblems.Unexpected(other),
        };
    }

    public static async Task<Results<Ok<ComposioConnectionResponse>, ValidationProblem, ProblemHttpResult>> RefreshConnection(
        string connectionId,
        RefreshComposioConnectionRequest request,
        RequestIdentity identity,
        IComposioConnectionRepository connections,
        ComposioTokenProtector tokens,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ComposioRules.Tokens(errors, request.AccessToken, request.RefreshToken);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        // An OAuth refresh need not issue a new refresh token (RFC 6749 §6); the stored one then stays valid.
        string? refreshToken;
        if (request.RefreshToken is not null) refreshToken = tokens.Protect(request.RefreshToken);
        else if (await connections.GetAsync(identity.TenantId, connectionId, cancellationToken) is { } stored) refreshToken = stored.RefreshToken;
        else return ComposioProblems.ConnectionNotFound(connectionId);

        var outcome = await connections.UpdateTokensAsync(
            identity.TenantId, connectionId, tokens.Protect(request.AccessToken!), refreshToken,
            UtcTime.Normalize(request.ExpiresAt), UtcTime.Now(clock), cancellationToken);
        return outcome switch
        {
            Outcome<ComposioConnection>.Ok(var refreshed) => TypedResults.Ok(ComposioConnectionResponse.From(refreshed)),
            Outcome<ComposioConnection>.NotFound => ComposioProblems.ConnectionNotFound(connectionId),
            var other => throw ApiProblems.Unexpected(other),
        };
    }

    public static async Task<Results<Ok<ComposioConnectionResponse>, ValidationProblem, ProblemHttpResult>> UpdateConnectionStatus(
        string connectionId,
        UpdateComposioConnectionStatusRequest request,
        RequestIdentity identity,
        IComposioConnectionRepository connections,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        FieldRules.RequiredWireValue<ComposioConnectionStatus>(errors, "status", request.Status);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var status = WireEnum.Parse<ComposioConnectionStatus>(request.Status!);
        return await connections.UpdateStatusAsync(identity.TenantId, connectionId, status, UtcTime.Now(clock), cancellationToken) switch
        {
            Outcome<ComposioConnection>.Ok(var updated) => TypedResults.Ok(ComposioConnectionResponse.From(updated)),
            Outcome<ComposioConnection>.NotFound => ComposioProblems.ConnectionNotFound(connectionId),
            var other => throw ApiProblems.Unexpected(other),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteConnection(
        string connectionId, RequestIdentity identity, IComposioConnectionRepository connections, CancellationToken cancellationToken)
        => await connections.DeleteAsync(identity.TenantId, connectionId, cancellationToken)
            ? TypedResults.NoContent()
            : ComposioProblems.ConnectionNotFound(connectionId);
}
