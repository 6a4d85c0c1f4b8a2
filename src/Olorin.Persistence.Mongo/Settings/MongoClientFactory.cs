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
    /// <remarks>
    /// Synchronous: for a <c>mongodb+srv</c> URI the driver looks up the TXT record here, blocking, outside any
    /// deadline (<c>MongoClientSettings.FromUrl</c> resolves an unresolved URL). Start-up and every path that must not
    /// hang or crash on DNS use <see cref="CreateClientSettingsAsync"/>.
    /// </remarks>
    public static MongoClientSettings CreateClientSettings(MongoSettings settings) => Configure(new MongoUrl(settings.Uri), settings);

    /// <summary>
    /// As <see cref="CreateClientSettings"/>, with the <c>mongodb+srv</c> TXT lookup (and, for a direct connection,
    /// the SRV lookup) done asynchronously and abandoned when <paramref name="cancellationToken"/> fires
    /// (https://www.mongodb.com/docs/manual/reference/connection-string/#srv-connection-format: the TXT record carries
    /// authSource/replicaSet/loadBalanced). The SRV host list of a non-direct connection is then resolved, and polled,
    /// by the driver's cluster, whose failures surface as server-selection timeouts.
    /// </summary>
    public static async Task<MongoClientSettings> CreateClientSettingsAsync(MongoSettings settings, CancellationToken cancellationToken)
    {
        var url = new MongoUrl(settings.Uri);
        if (!url.IsResolved)
            url = await url.ResolveAsync(resolveHosts: url.DirectConnection, cancellationToken).WaitAsync(cancellationToken); // a resolver may ignore the token
        return Configure(url, settings);
    }

    /// <summary>The effective server-selection timeout, read from the URI text without any DNS lookup.</summary>
    public static TimeSpan ServerSelectionTimeout(MongoSettings settings)
        => UriOptionNames(settings.Uri).Contains("serverSelectionTimeoutMS") ? new MongoUrl(settings.Uri).ServerSelectionTimeout : settings.ServerSelectionTimeout;

    private static MongoClientSettings Configure(MongoUrl url, MongoSettings settings)
    {
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
