namespace Olorin.Server.Health;

public static class HealthTags
{
    /// <summary>Checks that must pass before the service takes traffic (<c>/health/ready</c>).</summary>
    public const string Ready = "ready";
}
