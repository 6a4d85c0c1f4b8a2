using Microsoft.AspNetCore.Mvc;
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
        [AsParameters] ComposioServices services,
        [FromQuery] int? page,
        [FromQuery(Name = "page_size")] int? pageSize,
        [FromQuery(Name = "toolkit_name")] string? toolkitName,
        [FromQuery] string? status,
        [FromQuery] bool? expired,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var request = QueryValues.Page(errors, page, pageSize);
        var statusFilter = QueryValues.WireEnumValue<ComposioConnectionStatus>(errors, "status", status);
        if (!errors.IsEmpty) return errors.ToProblem();

        var query = new ComposioConnectionQuery(toolkitName, statusFilter, expired == true ? UtcTime.Now(services.Clock) : null);
        var result = await services.Connections.ListAsync(services.Identity.TenantId, query, request, cancellationToken);
        return TypedResults.Ok(ComposioConnectionListResponse.From(result));
    }

    public static async Task<Results<Ok<ComposioConnectionResponse>, ProblemHttpResult>> GetConnection(
        string connectionId, [AsParameters] ComposioServices services, CancellationToken cancellationToken)
        => await services.Connections.GetAsync(services.Identity.TenantId, connectionId, cancellationToken) is { } connection
            ? TypedResults.Ok(ComposioConnectionResponse.From(connection))
            : ComposioProblems.ConnectionNotFound(connectionId);

    public static async Task<Results<Created<ComposioConnectionResponse>, ValidationProblem, ProblemHttpResult>> CreateConnection(
        CreateComposioConnectionRequest request,
        [AsParameters] ComposioServices services,
        CancellationToken cancellationToken)
    {
        var errors = ComposioRules.ValidateConnection(
            request.ConnectionId, request.ToolkitName, request.ComposioConnectionId, request.AccessToken, request.RefreshToken, request.Status);
        ResourceIds.RequireAddressable(errors, "connection_id", request.ConnectionId);
        if (!errors.IsEmpty) return errors.ToProblem();

        var now = UtcTime.Now(services.Clock);
        var connection = new ComposioConnection
        {
            ConnectionId = request.ConnectionId ?? Guid.NewGuid().ToString(),
            TenantId = services.Identity.TenantId,
            ToolkitName = request.ToolkitName!,
            ComposioConnectionId = request.ComposioConnectionId!,
            Status = request.Status is null ? ComposioConnectionStatus.Active : WireEnum.Parse<ComposioConnectionStatus>(request.Status),
            EncryptedAccessToken = services.Tokens.Protect(request.AccessToken!),
            RefreshToken = services.Tokens.ProtectOptional(request.RefreshToken),
            ExpiresAt = UtcTime.Normalize(request.ExpiresAt),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var outcome = await services.Connections.CreateAsync(connection, cancellationToken);
        return outcome is Outcome<ComposioConnection>.Ok(var created)
            ? TypedResults.Created(ResourceLocation.Child(services.HttpContext.Request, created.ConnectionId), ComposioConnectionResponse.From(created))
            : OutcomeProblems.For(outcome, ComposioProblems.Connection, connection.ConnectionId);
    }

    public static async Task<Results<Ok<ComposioConnectionResponse>, ValidationProblem, ProblemHttpResult>> RefreshConnection(
        string connectionId,
        RefreshComposioConnectionRequest request,
        [AsParameters] ComposioServices services,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        ComposioRules.Tokens(errors, request.AccessToken, request.RefreshToken);
        if (!errors.IsEmpty) return errors.ToProblem();

        // An OAuth refresh need not issue a new refresh token (RFC 6749 §6); the stored one then stays valid.
        var tenant = services.Identity.TenantId;
        string? refreshToken;
        if (request.RefreshToken is not null) refreshToken = services.Tokens.Protect(request.RefreshToken);
        else if (await services.Connections.GetAsync(tenant, connectionId, cancellationToken) is { } stored) refreshToken = stored.RefreshToken;
        else return ComposioProblems.ConnectionNotFound(connectionId);

        var outcome = await services.Connections.UpdateTokensAsync(
            tenant, connectionId, services.Tokens.Protect(request.AccessToken!), refreshToken,
            UtcTime.Normalize(request.ExpiresAt), UtcTime.Now(services.Clock), cancellationToken);
        return ToResult(outcome, connectionId);
    }

    public static async Task<Results<Ok<ComposioConnectionResponse>, ValidationProblem, ProblemHttpResult>> UpdateConnectionStatus(
        string connectionId,
        UpdateComposioConnectionStatusRequest request,
        [AsParameters] ComposioServices services,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        FieldRules.RequiredWireValue<ComposioConnectionStatus>(errors, "status", request.Status);
        if (!errors.IsEmpty) return errors.ToProblem();

        var status = WireEnum.Parse<ComposioConnectionStatus>(request.Status!);
        var outcome = await services.Connections.UpdateStatusAsync(services.Identity.TenantId, connectionId, status, UtcTime.Now(services.Clock), cancellationToken);
        return ToResult(outcome, connectionId);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteConnection(
        string connectionId, [AsParameters] ComposioServices services, CancellationToken cancellationToken)
        => await services.Connections.DeleteAsync(services.Identity.TenantId, connectionId, cancellationToken)
            ? TypedResults.NoContent()
            : ComposioProblems.ConnectionNotFound(connectionId);

    private static Results<Ok<ComposioConnectionResponse>, ValidationProblem, ProblemHttpResult> ToResult(Outcome<ComposioConnection> outcome, string connectionId)
        => outcome is Outcome<ComposioConnection>.Ok(var connection)
            ? TypedResults.Ok(ComposioConnectionResponse.From(connection))
            : OutcomeProblems.For(outcome, ComposioProblems.Connection, connectionId);
}
