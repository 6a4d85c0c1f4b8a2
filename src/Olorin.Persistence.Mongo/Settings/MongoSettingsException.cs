namespace Olorin.Persistence.Mongo.Settings;

/// <summary>Invalid MongoDB configuration; every message names the variable at fault and carries no password.</summary>
public sealed class MongoSettingsException(IReadOnlyList<string> failures)
    : Exception("Invalid MongoDB configuration: " + string.Join(" ", failures))
{
    public IReadOnlyList<string> Failures { get; } = failures;
}
