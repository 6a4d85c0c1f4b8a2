using Olorin.Persistence.Mongo.Settings;
using Olorin.Persistence.Tests.Contracts;

namespace Olorin.Persistence.Tests.Mongo;

/// <summary>
/// The similarity and search contracts through the community-server paths (exact cosine, <c>$text</c>) on the same
/// server: with the Atlas local image the main bindings always take <c>$vectorSearch</c> / <c>$search</c>, which would
/// leave the fallbacks unexercised against a real server.
/// </summary>
public sealed class MongoAnomalyEventRepositoryContractWithoutSearchIndexes(MongoWithoutSearchIndexesBackendFixture f)
    : AnomalyEventRepositoryContract(f), IClassFixture<MongoWithoutSearchIndexesBackendFixture>;

public sealed class MongoInvestigationRepositoryContractWithoutSearchIndexes(MongoWithoutSearchIndexesBackendFixture f)
    : InvestigationRepositoryContract(f), IClassFixture<MongoWithoutSearchIndexesBackendFixture>;

/// <summary>A <see cref="MongoBackendFixture"/> with MONGODB_ENABLE_VECTOR_SEARCH and MONGODB_ENABLE_ATLAS_SEARCH off.</summary>
public sealed class MongoWithoutSearchIndexesBackendFixture : MongoBackendFixture
{
    protected override MongoSettings AdjustSettings(MongoSettings settings)
        => settings with { EnableVectorSearch = false, EnableAtlasSearch = false };
}
