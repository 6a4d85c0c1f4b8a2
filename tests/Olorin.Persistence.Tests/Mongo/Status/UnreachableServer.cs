using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Status;

/// <summary>Settings pointing at a port nothing listens on, with half-second timeouts.</summary>
internal static class UnreachableServer
{
    public const string Password = "s3cr%2Ft-pw";
    public const string DecodedPassword = "s3cr/t-pw";

    public static MongoSettings Settings { get; } = new()
    {
        Uri = $"mongodb://olorin:{Password}@127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500",
        Database = "olorin_unreachable",
        ConnectTimeoutMs = 500,
        ServerSelectionTimeoutMs = 500,
    };

    /// <summary>Far above the half-second timeout, far below the 30 s default: proves the configured timeout is obeyed.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static void AssertNoPassword(string? text)
    {
        Assert.NotNull(text);
        Assert.DoesNotContain(Password, text);
        Assert.DoesNotContain(DecodedPassword, text);
    }
}
