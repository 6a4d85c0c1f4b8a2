namespace Olorin.Persistence.Mongo;

/// <summary>
/// The database and its typed collections. One per process (the client is thread-safe and pools connections).
/// Class maps and conventions are registered once by <see cref="Mapping.MongoMapping.Register"/> before use.
/// </summary>
public sealed class MongoContext
{
    public MongoContext(IMongoClient client, string databaseName)
    {
        Mapping.MongoMapping.Register();
        Client = client;
        Database = client.GetDatabase(databaseName);
    }

    public IMongoClient Client { get; }
    public IMongoDatabase Database { get; }

    public IMongoCollection<Investigation> Investigations => Database.GetCollection<Investigation>(MongoCollectionNames.Investigations);
    public IMongoCollection<Detector> Detectors => Database.GetCollection<Detector>(MongoCollectionNames.Detectors);
    public IMongoCollection<DetectionRun> DetectionRuns => Database.GetCollection<DetectionRun>(MongoCollectionNames.DetectionRuns);
    public IMongoCollection<AnomalyEvent> AnomalyEvents => Database.GetCollection<AnomalyEvent>(MongoCollectionNames.AnomalyEvents);
    public IMongoCollection<TransactionScore> TransactionScores => Database.GetCollection<TransactionScore>(MongoCollectionNames.TransactionScores);
    public IMongoCollection<AuditLogEntry> AuditLog => Database.GetCollection<AuditLogEntry>(MongoCollectionNames.AuditLog);
    public IMongoCollection<InvestigationTemplate> Templates => Database.GetCollection<InvestigationTemplate>(MongoCollectionNames.Templates);
    public IMongoCollection<ComposioConnection> ComposioConnections => Database.GetCollection<ComposioConnection>(MongoCollectionNames.ComposioConnections);
    public IMongoCollection<ComposioActionAudit> ComposioActionAudits => Database.GetCollection<ComposioActionAudit>(MongoCollectionNames.ComposioActionAudits);
    public IMongoCollection<SoarPlaybookExecution> SoarPlaybookExecutions => Database.GetCollection<SoarPlaybookExecution>(MongoCollectionNames.SoarPlaybookExecutions);
}
