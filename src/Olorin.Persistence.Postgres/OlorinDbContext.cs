using Olorin.Persistence.Postgres.Conversion;

namespace Olorin.Persistence.Postgres;

/// <summary>The PostgreSQL schema: legacy table names (Decision 10), snake_case columns, jsonb, timestamptz, vector(384).</summary>
public sealed class OlorinDbContext(DbContextOptions<OlorinDbContext> options) : DbContext(options)
{
    public DbSet<Investigation> Investigations => Set<Investigation>();
    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();
    public DbSet<Detector> Detectors => Set<Detector>();
    public DbSet<DetectionRun> DetectionRuns => Set<DetectionRun>();
    public DbSet<AnomalyEvent> AnomalyEvents => Set<AnomalyEvent>();
    public DbSet<TransactionScore> TransactionScores => Set<TransactionScore>();
    public DbSet<InvestigationTemplate> Templates => Set<InvestigationTemplate>();
    public DbSet<ComposioConnection> ComposioConnections => Set<ComposioConnection>();
    public DbSet<ComposioActionAudit> ComposioActionAudits => Set<ComposioActionAudit>();
    public DbSet<SoarPlaybookExecution> SoarPlaybookExecutions => Set<SoarPlaybookExecution>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("vector");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OlorinDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        foreach (var enumType in typeof(Investigation).Assembly.GetTypes().Where(t => t.IsEnum && t.Namespace == typeof(Investigation).Namespace))
        {
            configurationBuilder.Properties(enumType)
                .HaveConversion(typeof(WireEnumConverter<>).MakeGenericType(enumType))
                .HaveMaxLength(50);
        }
        configurationBuilder.Properties<DateTime>().HaveColumnType("timestamp with time zone");
        configurationBuilder.Properties<DateTime?>().HaveColumnType("timestamp with time zone");
    }
}
