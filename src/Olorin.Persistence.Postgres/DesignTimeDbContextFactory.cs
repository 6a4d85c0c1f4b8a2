using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Olorin.Persistence.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the server.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<OlorinDbContext>
{
    public OlorinDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("OLORIN_DESIGN_CONNECTION")
            ?? "Host=127.0.0.1;Port=5432;Database=olorin;Username=olorin;Password=olorin";
        var builder = new DbContextOptionsBuilder<OlorinDbContext>();
        PostgresPersistence.Configure(builder, PostgresPersistence.BuildDataSource(connectionString));
        return new OlorinDbContext(builder.Options);
    }
}
