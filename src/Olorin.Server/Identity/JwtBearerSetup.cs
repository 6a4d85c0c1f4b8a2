using Microsoft.AspNetCore.Authentication.JwtBearer;
using Olorin.Authentication;

namespace Olorin.Server.Identity;

/// <summary>
/// <c>AUTH_MODE=jwt</c>: ASP.NET Core's JwtBearer handler verifies the token (signature by the shared key or the
/// issuer's JWKS, lifetime, issuer and audience when set); this only turns its claims into the Olorin principal.
/// </summary>
public static class JwtBearerSetup
{
    public static void Configure(JwtBearerOptions options, JwtSettings settings)
    {
        options.MapInboundClaims = false; // keep `sub`, `scope`, … as the token names them
        options.TokenValidationParameters = settings.ValidationParameters();
        if (settings.Authority is { } authority)
        {
            options.Authority = authority.ToString();
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        }
        options.Events = new JwtBearerEvents { OnTokenValidated = context => ToOlorinPrincipal(context, settings) };
    }

    /// <summary>
    /// User from <c>JWT_USER_CLAIM</c> (required), tenant from <c>JWT_TENANT_CLAIM</c> (else the default tenant),
    /// scopes from <c>scope</c> (space-separated) and/or <c>scopes</c> (a JSON array, one claim per element).
    /// </summary>
    private static Task ToOlorinPrincipal(TokenValidatedContext context, JwtSettings settings)
    {
        var token = context.Principal!;
        var user = token.FindFirst(settings.UserClaim)?.Value;
        if (user is not { Length: >= 1 and <= FieldRules.MaxIdLength })
        {
            context.Fail($"The token has no '{settings.UserClaim}' claim of 1–{FieldRules.MaxIdLength} characters.");
            return Task.CompletedTask;
        }
        var tenant = token.FindFirst(settings.TenantClaim)?.Value;
        if (tenant is not null and not { Length: >= 1 and <= FieldRules.MaxIdLength })
        {
            context.Fail($"The token's '{settings.TenantClaim}' claim must be 1–{FieldRules.MaxIdLength} characters.");
            return Task.CompletedTask;
        }
        var scopes = token.Claims
            .Where(claim => claim.Type is OlorinClaimTypes.Scope or OlorinClaimTypes.ScopeArray)
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        context.Principal = context.HttpContext.RequestServices.GetRequiredService<OlorinPrincipalFactory>()
            .Create(tenant, user, scopes, JwtBearerDefaults.AuthenticationScheme);
        return Task.CompletedTask;
    }
}
