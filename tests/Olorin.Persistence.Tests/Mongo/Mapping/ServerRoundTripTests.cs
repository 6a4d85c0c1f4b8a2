using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using Olorin.Core.Serialization;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Tests.Mongo.Bootstrap;

namespace Olorin.Persistence.Tests.Mongo.Mapping;

/// <summary>Every model stored in its (bootstrapped, time-series where required) collection reads back field-for-field.</summary>
public sealed class ServerRoundTripTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_model_round_trips_through_its_collection()
    {
        await using var db = await RealServerDatabase.CreateAsync();
        var started = await MongoStartup.ConnectAndBootstrapAsync(db.Settings, NullLogger.Instance, Ct);
        Assert.True(started.Succeeded, started.Error);
        using var client = MongoClientFactory.CreateClient(db.Settings);
        var context = new MongoContext(client, db.Settings.Database);

        await AssertStored(context.Investigations, SampleDocuments.Investigation());
        await AssertStored(context.Detectors, SampleDocuments.Detector());
        await AssertStored(context.DetectionRuns, SampleDocuments.DetectionRun());
        await AssertStored(context.AnomalyEvents, SampleDocuments.AnomalyEvent());
        await AssertStored(context.TransactionScores, SampleDocuments.TransactionScore());
        await AssertStored(context.AuditLog, SampleDocuments.AuditLogEntry());
        await AssertStored(context.Templates, SampleDocuments.Template());
        await AssertStored(context.ComposioConnections, SampleDocuments.ComposioConnection());
        await AssertStored(context.ComposioActionAudits, SampleDocuments.ComposioActionAudit());
        await AssertStored(context.SoarPlaybookExecutions, SampleDocuments.SoarPlaybookExecution());
    }

    private static async Task AssertStored<T>(IMongoCollection<T> collection, T document)
    {
        await collection.InsertOneAsync(document, cancellationToken: Ct);

        var back = await collection.Find(FilterDefinition<T>.Empty).SingleAsync(Ct);
        var raw = await collection.Database.GetCollection<BsonDocument>(collection.CollectionNamespace.CollectionName)
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync(Ct);

        Assert.Equal(JsonSerializer.Serialize(document, OlorinJson.Options), JsonSerializer.Serialize(back, OlorinJson.Options));
        Assert.Equal(BsonType.ObjectId, raw["_id"].BsonType);
    }
}
