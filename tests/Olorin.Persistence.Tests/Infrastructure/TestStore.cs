using Microsoft.Extensions.DependencyInjection;

namespace Olorin.Persistence.Tests.Infrastructure;

/// <summary>
/// One isolated database behind the ten ports. Every <see cref="Repo{T}"/> call resolves from a new DI scope,
/// so consecutive calls behave like separate requests (no shared change tracker).
/// </summary>
public sealed class TestStore(ServiceProvider services, Func<ValueTask> dropDatabase) : IAsyncDisposable
{
    private readonly List<AsyncServiceScope> _scopes = [];

    public IServiceProvider Services => services;

    public T Repo<T>() where T : notnull
    {
        var scope = services.CreateAsyncScope();
        lock (_scopes) _scopes.Add(scope);
        return scope.ServiceProvider.GetRequiredService<T>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var scope in _scopes) await scope.DisposeAsync();
        await services.DisposeAsync();
        await dropDatabase();
    }
}
