using Olorin.Migration.Seeding;

namespace Olorin.Migration.Tests;

/// <summary>A source PostgreSQL database holding a synthetic dataset of over 50,000 documents across all ten collections.</summary>
public sealed class SeededSource : IAsyncLifetime
{
    public const int Investigations = 6_400;

    public PostgresEndpoint Database { get; private set; } = null!;
    public SyntheticDataset Dataset { get; } = new("tenant-e2e", Investigations);

    public async ValueTask InitializeAsync()
    {
        Database = await PostgresEndpoint.CreateAsync();
        await Dataset.WriteAsync(Database.Services, batchSize: 2000);
    }

    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}
