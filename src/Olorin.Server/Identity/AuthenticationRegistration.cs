using Microsoft.AspNetCore.Authentication;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Olorin.Authentication;
using Olorin.Server.OpenApi;
using Olorin.Server.Security;

namespace Olorin.Server.Identity;

public static class AuthenticationRegistration
{
    /// <summary>
    /// Reads and validates <c>AUTH_MODE</c> and the <c>JWT_*</c> settings (a bad one stops start-up naming it) and
    /// registers the matching authentication handler as the only scheme, plus the API's authorization policies.
    /// Either handler produces the same principal (<see cref="OlorinPrincipalFactory"/>).
    /// </summary>
    public static WebApplicationBuilder AddOlorinAuthentication(this WebApplicationBuilder builder, ILogger startupLogger)
    {
        var (mode, jwt) = ReadSettings(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(new ActiveAuthMode(mode));
        services.AddSingleton<OlorinPrincipalFactory>();
        services.AddSingleton<CategoryCachingLoggerFactory>();

        if (jwt is not null)
        {
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
                .AddJwtBearer(options => JwtBearerSetup.Configure(options, jwt));
            // Built per request like every handler: the scheme's handler is resolved from the request's services
            // before it would be activated, so this registration (the last) gives it the category-caching factory.
            // The handler keeps its own type and so its log category (the Microsoft.AspNetCore level overrides).
            services.AddTransient(sp => new JwtBearerHandler(
                sp.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(), sp.GetRequiredService<CategoryCachingLoggerFactory>(), sp.GetRequiredService<UrlEncoder>()));
            services.AddBearerSecurityToOpenApi();
            startupLogger.LogInformation("AUTH_MODE=jwt: requests need a bearer token verified with {Verifier}.", jwt.Describe());
        }
        else
        {
            services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, configureOptions: null);
            startupLogger.LogWarning(
                "AUTH_MODE=headers: requests are NOT authenticated; the tenant and user are whatever the {TenantHeader} and {UserHeader} headers say, and any caller can set them. Use it only on a trusted network or for local development.",
                HeaderAuthenticationHandler.TenantHeader, HeaderAuthenticationHandler.UserHeader);
        }

        services.AddOlorinAuthorization();
        return builder;
    }

    private static (AuthMode Mode, JwtSettings? Jwt) ReadSettings(IConfiguration configuration)
    {
        try
        {
            var mode = AuthModes.Read(configuration);
            return (mode, mode == AuthMode.Jwt ? JwtSettings.Read(configuration).RequireVerifier() : null);
        }
        catch (AuthSettingsException invalid)
        {
            throw new StartupAbortedException(invalid.Message);
        }
    }
}

/// <summary>Which <c>AUTH_MODE</c> this process runs in.</summary>
public sealed record ActiveAuthMode(AuthMode Mode);
