using Microsoft.Extensions.Configuration;
using Olorin.Persistence.Mongo.Observability;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Observability;

/// <summary>
/// The driver events behind the MongoDB metrics are subscribed on every client the factory builds, without costing
/// the shared cluster: the driver keeps one cluster (and pool) per distinct client settings, and the subscription
/// is part of the settings' equality.
/// </summary>
public sealed class MongoDriverEventsTests
{
    private static MongoSettings Settings(string uri = "mongodb://127.0.0.1:27017/?maxPoolSize=40")
        => MongoSettingsBinder.Bind(new ConfigurationBuilder().AddInMemoryCollection([new("MONGODB_URI", uri)]).Build());

    [Fact]
    public void Every_client_subscribes_the_events_and_two_clients_of_the_same_settings_still_share_a_cluster()
    {
        var first = MongoClientFactory.CreateClientSettings(Settings());
        var second = MongoClientFactory.CreateClientSettings(Settings());

        Assert.Same(MongoDriverEvents.Configure, first.ClusterConfigurator);
        Assert.Equal(first, second);
    }

    [Fact]
    public void The_pool_probe_reports_the_effective_maximum_the_uri_wins_over_the_setting()
    {
        var probe = new MongoPoolProbe(Settings());
        var state = probe.Read();
        Assert.Equal("mongodb", probe.Backend);
        Assert.Equal(40, state.Max);
        Assert.True(state.InUse >= 0 && state.Open >= 0);
    }
}
