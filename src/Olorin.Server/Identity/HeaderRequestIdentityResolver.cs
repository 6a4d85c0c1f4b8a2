using Microsoft.Extensions.Options;
using Olorin.Core.Tenancy;
using Olorin.Core.Validation;
using Olorin.Server.Configuration;

namespace Olorin.Server.Identity;

/// <summary>
/// <c>X-Tenant-Id</c> and <c>X-User-Id</c>, falling back to <c>DEFAULT_TENANT_ID</c> and <c>anonymous</c>;
/// with tenant isolation off every request runs in the default tenant.
/// </summary>
public sealed class HeaderRequestIdentityResolver(IOptions<TenancyOptions> options) : IRequestIdentityResolver
{
    public const string TenantHeader = "X-Tenant-Id";
    public const string UserHeader = "X-User-Id";

    public RequestIdentity Resolve(HttpContext context)
    {
        var tenancy = options.Value;
        var tenant = Header(context, TenantHeader) ?? tenancy.DefaultTenantId;
        var user = Header(context, UserHeader) ?? RequestIdentity.AnonymousUserId;
        return new RequestIdentity(tenancy.EnableTenantIsolation ? tenant : tenancy.DefaultTenantId, user);
    }

    private static string? Header(HttpContext context, string name)
    {
        if (!context.Request.Headers.TryGetValue(name, out var values)) return null;
        if (values.Count != 1 || values[0] is not { Length: >= 1 and <= FieldRules.MaxIdLength } value)
            throw new BadHttpRequestException($"The {name} header must be a single value of 1–{FieldRules.MaxIdLength} characters.");
        return value;
    }
}
