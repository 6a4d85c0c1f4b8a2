using MongoDB.Driver;

namespace Olorin.Persistence.Mongo.Settings;

/// <summary>Builds the driver settings and client from <see cref="MongoSettings"/>.</summary>
public static class MongoClientFactory
{
    public const string ApplicationName = "olorin-server";

    /// <summary>
    /// The MONGODB_* pool and timeout settings, except where the connection string itself sets the same option
    /// (<c>?serverSelectionTimeoutMS=500</c>): the URI is the more specific statement and wins. The application
    /// name is <c>olorin-server</c> unless the URI sets <c>appName</c>.
    /// </summary>
    public static MongoClientSettings CreateClientSettings(MongoSettings settings)
    {
        var url = new MongoUrl(settings.Uri);
        var inUri = UriOptionNames(settings.Uri);
        var client = MongoClientSettings.FromUrl(url);
        client.ApplicationName = url.ApplicationName ?? ApplicationName;
        if (!inUri.Contains("maxPoolSize")) client.MaxConnectionPoolSize = settings.MaxPoolSize;
        if (!inUri.Contains("minPoolSize")) client.MinConnectionPoolSize = settings.MinPoolSize;
        if (!inUri.Contains("maxIdleTimeMS")) client.MaxConnectionIdleTime = TimeSpan.FromMilliseconds(settings.MaxIdleTimeMs);
        if (!inUri.Contains("connectTimeoutMS")) client.ConnectTimeout = TimeSpan.FromMilliseconds(settings.ConnectTimeoutMs);
        if (!inUri.Contains("socketTimeoutMS")) client.SocketTimeout = TimeSpan.FromMilliseconds(settings.SocketTimeoutMs);
        if (!inUri.Contains("serverSelectionTimeoutMS")) client.ServerSelectionTimeout = TimeSpan.FromMilliseconds(settings.ServerSelectionTimeoutMs);
        client.ClusterConfigurator = Observability.MongoDriverEvents.Configure;
        return client;
    }

    public static IMongoClient CreateClient(MongoSettings settings) => CreateClient(CreateClientSettings(settings));

    public static IMongoClient CreateClient(MongoClientSettings settings)
    {
        Mapping.MongoMapping.Register();
        return new MongoClient(settings);
    }

    private static HashSet<string> UriOptionNames(string uri)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var query = uri.IndexOf('?') is var at and >= 0 ? uri[(at + 1)..] : "";
        foreach (var pair in query.Split(['&', ';'], StringSplitOptions.RemoveEmptyEntries))
            names.Add(pair.Split('=', 2)[0]);
        return names;
    }
}
