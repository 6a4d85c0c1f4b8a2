using Microsoft.Extensions.Configuration;

namespace Olorin.Server.Configuration;

/// <summary>Which persistence backend to run on (the seed's migration control variables).</summary>
public sealed class BackendOptions
{
    [ConfigurationKeyName("ENABLE_MONGODB")]
    public bool EnableMongoDb { get; set; }

    [ConfigurationKeyName("FAIL_ON_MONGODB_ERROR")]
    public bool FailOnMongoDbError { get; set; }
}
