namespace Olorin.Persistence.Tests.Infrastructure;

/// <summary>
/// A backend the contract suites run against. One fixture (and one shared database) per test class; tests
/// isolate themselves with a fresh tenant id, and tests that read across tenants create their own store.
/// </summary>
public interface IBackendFixture
{
    string Backend { get; }

    /// <summary>Why this backend cannot run here (no server reachable); null when it can.</summary>
    string? SkipReason { get; }

    /// <summary>The class's shared store.</summary>
    TestStore Shared { get; }

    /// <summary>A brand-new empty store, for tests that count or export across tenants. Dispose it.</summary>
    Task<TestStore> CreateIsolatedStoreAsync();
}
