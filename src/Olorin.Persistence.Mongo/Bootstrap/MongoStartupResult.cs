namespace Olorin.Persistence.Mongo.Bootstrap;

/// <summary>
/// Outcome of <see cref="MongoStartup.ConnectAndBootstrapAsync"/>: connected and bootstrapped (with what the
/// server can do), or failed with a cause that never contains the password.
/// </summary>
public sealed record MongoStartupResult
{
    private MongoStartupResult(bool succeeded, MongoCapabilities? capabilities, BootstrapReport? bootstrap, string? error)
    {
        Succeeded = succeeded;
        Capabilities = capabilities;
        Bootstrap = bootstrap;
        Error = error;
    }

    public bool Succeeded { get; }

    /// <summary>Set when <see cref="Succeeded"/>.</summary>
    public MongoCapabilities? Capabilities { get; }

    /// <summary>Set when <see cref="Succeeded"/>; its problems are not fatal (an index an operator must look at).</summary>
    public BootstrapReport? Bootstrap { get; }

    /// <summary>Set when not <see cref="Succeeded"/>, redacted.</summary>
    public string? Error { get; }

    /// <summary>
    /// Set when <see cref="Succeeded"/>: the client settings start-up connected with, the <c>mongodb+srv</c> TXT
    /// lookup already done (so registering a client with them does no blocking DNS lookup).
    /// </summary>
    public MongoDB.Driver.MongoClientSettings? ClientSettings { get; private init; }

    public static MongoStartupResult Ok(MongoCapabilities capabilities, BootstrapReport bootstrap, MongoDB.Driver.MongoClientSettings clientSettings)
        => new(true, capabilities, bootstrap, null) { ClientSettings = clientSettings };

    public static MongoStartupResult Failed(string redactedError) => new(false, null, null, redactedError);
}
