using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;
using Olorin.Authentication;

namespace Olorin.Server.Security;

/// <summary>
/// Lets the authentication handler challenge or forbid as usual (status, <c>WWW-Authenticate</c>), then writes the
/// ProblemDetails body saying why: 401 no/invalid/expired token, 403 a scope is missing, 400 a malformed identity
/// header (headers mode).
/// </summary>
public sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.AuthenticationType == JwtBearerDefaults.AuthenticationScheme)
            context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', RequiredScopes(authorizeResult))}\"";

        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (authorizeResult.Succeeded || context.Response.HasStarted) return;

        var detail = authorizeResult.Forbidden
            ? ForbiddenDetail(context, authorizeResult)
            : ChallengeDetail(context, await context.AuthenticateAsync()); // the handler's cached result of this request
        var status = context.Response.StatusCode;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail },
        });
    }

    private static string ChallengeDetail(HttpContext context, AuthenticateResult result) => result.Failure switch
    {
        null when context.Request.Headers.Authorization.Count == 0 => "This endpoint needs a bearer token: send Authorization: Bearer <token>.",
        null => "The Authorization header does not carry a bearer token (Authorization: Bearer <token>).",
        SecurityTokenExpiredException => "The bearer token has expired.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenInvalidIssuerException => "The bearer token's issuer is not accepted.",
        SecurityTokenInvalidAudienceException => "The bearer token's audience is not accepted.",
        SecurityTokenInvalidAlgorithmException => "The bearer token is signed with an algorithm that is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature does not verify.",
        SecurityTokenException => "The bearer token is not valid.",
        // Our own refusals (a token without a user, a malformed identity header) word themselves.
        AuthenticationFailureException own => own.Message,
        _ => "The bearer token could not be verified.",
    };

    private static string ForbiddenDetail(HttpContext context, PolicyAuthorizationResult result)
    {
        var granted = context.User.FindAll(OlorinClaimTypes.Scope).Select(claim => claim.Value).ToList();
        var needed = RequiredScopes(result);
        return $"This request needs the {string.Join(" or ", needed.Select(scope => $"'{scope}'"))} scope; the token grants "
               + (granted.Count == 0 ? "none." : $"{string.Join(", ", granted)}.");
    }

    private static IReadOnlyList<string> RequiredScopes(PolicyAuthorizationResult result)
    {
        var failed = result.AuthorizationFailure?.FailedRequirements ?? [];
        return failed.OfType<ClaimsAuthorizationRequirement>().FirstOrDefault(r => r.ClaimType == OlorinClaimTypes.Scope)?.AllowedValues?.ToList()
               ?? [OlorinScopes.Write];
    }
}
