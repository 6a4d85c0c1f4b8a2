using Olorin.Migration.Seeding;

namespace Olorin.Migration.Tests;

/// <summary>A source PostgreSQL database holding a synthetic dataset across all ten collections.</summary>
public abstract class SeededDatabase(string tenantId, int investigations) : IAsyncLifetime
{
    public PostgresEndpoint Database { get; private set; } = null!;
    public SyntheticDataset Dataset { get; } = new(tenantId, investigations);

    public async ValueTask InitializeAsync()
    {
        Database = await PostgresEndpoint.CreateAsync();
        await Dataset.WriteAsync(Database.Services, batchSize: 2000);
    }

    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}

/// <summary>Over 50,000 documents: the one test of the copy at scale.</summary>
public sealed class SeededSource() : SeededDatabase("tenant-e2e", Investigations)
{
    public const int Investigations = 6_400;
}

/// <summary>About 7,900 documents: enough batches to kill a migration part-way, without repeating the 50,000-document copy.</summary>
public sealed class SmallSeededSource() : SeededDatabase("tenant-resume", Investigations)
{
    public const int Investigations = 1_000;
}
