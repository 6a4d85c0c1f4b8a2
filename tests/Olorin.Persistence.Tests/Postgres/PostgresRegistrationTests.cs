using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;
using Olorin.Persistence.Postgres;

namespace Olorin.Persistence.Tests.Postgres;

public sealed class PostgresRegistrationTests
{
    [Fact]
    public void Registers_exactly_one_implementation_of_every_port()
    {
        var services = new ServiceCollection().AddPostgresPersistence(Olorin.Testing.PostgresTestDatabase.DefaultServer);
        foreach (var port in RepositoryRegistration.Ports)
        {
            var registrations = services.Where(d => d.ServiceType == port).ToList();
            Assert.True(registrations.Count == 1, $"{port.Name}: {registrations.Count} registrations");
            Assert.Equal(ServiceLifetime.Scoped, registrations[0].Lifetime);
        }
    }
}
