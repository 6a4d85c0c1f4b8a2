using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Olorin.Server.Persistence;
using Olorin.Server.Tests.Infrastructure;

namespace Olorin.Server.Tests.Api;

/// <summary>
/// The server on a fake clock that these tests move by hand, so <see cref="LastAccessedBuffer"/>'s periodic flush
/// never runs between a test's reads and its own <c>FlushAsync</c> (on the real clock it did, under load: a flush
/// between two reads wrote them in two transactions, or made the second read answer a newer last_accessed).
/// </summary>
public sealed class ManualFlushFixture : PostgresApiFixture
{
    /// <summary>What a test may advance the clock by, per step: the class's steps stay below one flush period.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    public PeriodCountingClock Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    /// <summary>An investigation's row as stored, read past the server (its <c>xmin</c>: the transaction that wrote it last).</summary>
    public async Task<InvestigationRow> InvestigationRowAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT last_accessed, version, updated_at, xmin::text FROM investigation_states WHERE tenant_id = $1 AND investigation_id = $2", connection);
        command.Parameters.AddWithValue(tenant);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Assert.True(await reader.ReadAsync(cancellationToken));
        return new InvestigationRow(reader.IsDBNull(0) ? null : reader.GetDateTime(0), reader.GetInt32(1), reader.GetDateTime(2), reader.GetString(3));
    }
}

public sealed record InvestigationRow(DateTime? LastAccessed, int Version, DateTime UpdatedAt, string Xmin);

/// <summary>
/// A fake clock that also counts the timers armed for one <see cref="LastAccessedBuffer.FlushPeriod"/> (each wait of the
/// buffer's loop arms one), so a test can wait until the loop is waiting before it moves the clock: the loop starts on
/// the thread pool (BackgroundService runs ExecuteAsync through Task.Run since .NET 10), so a period armed after the
/// clock moved would start later than the test assumes.
/// </summary>
public sealed class PeriodCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _periods;

    public int PeriodsArmed => Volatile.Read(ref _periods);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime == LastAccessedBuffer.FlushPeriod) Interlocked.Increment(ref _periods);
        return timer;
    }

    /// <summary>Until at least <paramref name="count"/> flush periods have been armed (bounded, so a loop that never waits fails).</summary>
    public async Task WaitForPeriodsAsync(int count, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (PeriodsArmed < count) await Task.Delay(10, deadline.Token);
    }
}
