using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Olorin.Authentication;
using Olorin.Core.Tenancy;

namespace Olorin.Server.Identity;

/// <summary>
/// <c>AUTH_MODE=headers</c>: the caller is whoever <c>X-Tenant-Id</c> and <c>X-User-Id</c> say, falling back to
/// <c>DEFAULT_TENANT_ID</c> and <c>anonymous</c>, with every scope. Nothing is verified: trusted networks and local
/// development only. A malformed header fails authentication, and the challenge answers 400 naming the header.
/// </summary>
internal sealed class HeaderAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    CategoryCachingLoggerFactory loggers,
    UrlEncoder encoder,
    OlorinPrincipalFactory principals) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "Headers";
    public const string TenantHeader = "X-Tenant-Id";
    public const string UserHeader = "X-User-Id";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Header(TenantHeader, out var tenant) is { } tenantProblem) return Task.FromResult(AuthenticateResult.Fail(tenantProblem));
        if (Header(UserHeader, out var user) is { } userProblem) return Task.FromResult(AuthenticateResult.Fail(userProblem));
        var principal = principals.Create(tenant, user ?? RequestIdentity.AnonymousUserId, OlorinScopes.All, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>Only a malformed identity header fails here: the request is bad, no credential is missing.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Task.CompletedTask;
    }

    /// <returns>What is wrong with the header, or null (then <paramref name="value"/> is its value, or null when absent).</returns>
    private string? Header(string name, out string? value)
    {
        value = null;
        if (!Request.Headers.TryGetValue(name, out var values)) return null;
        if (values.Count != 1 || values[0] is not { Length: >= 1 and <= FieldRules.MaxIdLength } single)
            return $"The {name} header must be a single value of 1–{FieldRules.MaxIdLength} characters.";
        value = single;
        return null;
    }
}
