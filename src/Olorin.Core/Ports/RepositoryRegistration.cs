using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Olorin.Core.Ports;

public static class RepositoryRegistration
{
    /// <summary>Every repository port of <see cref="Olorin.Core.Ports"/>; each adapter must implement all of them.</summary>
    public static IReadOnlyList<Type> Ports { get; } =
    [
        typeof(IInvestigationRepository), typeof(IAuditLogRepository), typeof(IDetectorRepository),
        typeof(IDetectionRunRepository), typeof(IAnomalyEventRepository), typeof(ITransactionScoreRepository),
        typeof(ITemplateRepository), typeof(IComposioConnectionRepository), typeof(IComposioActionAuditRepository),
        typeof(ISoarPlaybookExecutionRepository),
    ];

    /// <summary>
    /// Registers (scoped) the class of <paramref name="adapter"/> that implements each port; fails when a port has
    /// more than one. That every adapter implements every port is asserted by the persistence tests.
    /// </summary>
    public static IServiceCollection AddRepositoriesFrom(this IServiceCollection services, Assembly adapter)
    {
        var classes = adapter.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }).ToList();
        foreach (var port in Ports)
        {
            var implementations = classes.Where(port.IsAssignableFrom).ToList();
            if (implementations.Count > 1)
                throw new InvalidOperationException(
                    $"{adapter.GetName().Name} implements {port.Name} more than once: {string.Join(", ", implementations.Select(t => t.Name))}.");
            if (implementations.Count == 1) services.AddScoped(port, implementations[0]);
        }
        return services;
    }
}
