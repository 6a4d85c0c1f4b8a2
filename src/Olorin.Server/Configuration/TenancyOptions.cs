using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Configuration;

public sealed class TenancyOptions
{
    [ConfigurationKeyName("DEFAULT_TENANT_ID")]
    public string DefaultTenantId { get; set; } = "default";

    /// <summary>When false every request runs in <see cref="DefaultTenantId"/>, whatever its headers say.</summary>
    [ConfigurationKeyName("ENABLE_TENANT_ISOLATION")]
    public bool EnableTenantIsolation { get; set; } = true;
}
