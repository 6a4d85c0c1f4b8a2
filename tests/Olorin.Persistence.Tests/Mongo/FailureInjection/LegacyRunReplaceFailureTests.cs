using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Observability;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.FailureInjection;

/// <summary>
/// Review WRONG 8 against a real server: the guarded replace of a run in a legacy detection_runs time series, with a
/// failure injected at each point of its two writes — before the command reaches the server, and after the server
/// ran it but before the reply reaches the repository (a lost reply). No database double: the server is real, the
/// faults are raised from the driver's own command events on the repository's client (a handler that throws
/// fails the operation at that point, and a cancellation requested from one fires while the command is in flight).
/// After each, exactly one run must be stored, in the new status, and the commands show the run was read back
/// before anything was written again. Skipped with the reason without a server (OLORIN_TEST_MONGODB_URI).
/// </summary>
public sealed class LegacyRunReplaceFailureTests : IAsyncLifetime
{
    private const string Tenant = "tenant-faults";
    private readonly Faults _faults = new();
    private MongoSettings? _settings;
    private ServiceProvider? _services;
    private IMongoCollection<BsonDocument>? _raw;

    public async ValueTask InitializeAsync()
    {
        var server = await MongoBackendFixture.ServerAsync();
        if (server.SkipReason is not null) return;
        _settings = await MongoBackendFixture.NewDatabaseSettingsAsync();
        using (var setup = MongoClientFactory.CreateClient(_settings))
        {
            var spec = IndexCatalog.LegacyDetectionRunsTimeSeries;
            await setup.GetDatabase(_settings.Database).CreateCollectionAsync(MongoCollectionNames.DetectionRuns,
                new CreateCollectionOptions { TimeSeriesOptions = new TimeSeriesOptions(spec.TimeField, spec.MetaField, spec.Granularity) });
        }
        var started = await MongoStartup.ConnectAndBootstrapAsync(_settings, NullLogger.Instance, CancellationToken.None);
        if (!started.Succeeded) throw new InvalidOperationException(started.Error);
        Assert.Contains(MongoCollectionNames.DetectionRuns, started.Capabilities!.TimeSeriesCollections!);

        var clientSettings = MongoClientFactory.CreateClientSettings(_settings);
        clientSettings.ClusterConfigurator = builder =>
        {
            MongoDriverEvents.Configure(builder);
            builder.Subscribe<CommandStartedEvent>(e => _faults.Started(e.CommandName));
            builder.Subscribe<CommandSucceededEvent>(e => _faults.Succeeded(e.CommandName));
        };
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddMongoPersistence(_settings, started.Capabilities!, clientSettings)
            .BuildServiceProvider();
        _raw = MongoClientFactory.CreateClient(_settings).GetDatabase(_settings.Database).GetCollection<BsonDocument>(MongoCollectionNames.DetectionRuns);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        if (_settings is not null) await MongoBackendFixture.DropAsync(_settings);
    }

    [Theory]
    [InlineData("delete", When.BeforeSending)]
    [InlineData("delete", When.ReplyLost)]
    [InlineData("insert", When.BeforeSending)]
    [InlineData("insert", When.ReplyLost)]
    public async Task A_failure_at_either_write_leaves_exactly_one_run_in_the_new_status(string command, When when)
    {
        var runs = await ReadyAsync();
        var run = await CreateQueuedRunAsync(runs);

        // Twice: the driver retries a retryable write (deleteOne, insert) once by itself; the second failure reaches the repository.
        _faults.Arm(command, when, times: 2);
        var outcome = await runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, null, TestContext.Current.CancellationToken);

        Assert.True(_faults.Remaining < 2, "the fault was never raised");
        Assert.IsType<Outcome<DetectionRun>.Ok>(outcome);
        await AssertOneRunAsync(run.RunId, "running");
        // The run was read back (find) after the failed write and before the write that completed the replace.
        var sequence = _faults.CommandsSinceArmed;
        var firstFailure = sequence.IndexOf(command);
        Assert.Contains("find", sequence.Skip(firstFailure));
    }

    [Fact]
    public async Task A_request_cancelled_while_the_delete_is_in_flight_still_ends_with_exactly_one_run()
    {
        var runs = await ReadyAsync();
        var run = await CreateQueuedRunAsync(runs);
        using var cancel = new CancellationTokenSource();
        _faults.CancelOn("delete", cancel);

        try
        {
            await runs.UpdateStatusAsync(Tenant, run.RunId, DetectionRunStatus.Running, null, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Allowed: the transition was settled all the same (below).
        }

        await AssertOneRunAsync(run.RunId, "running");
    }

    public enum When
    {
        BeforeSending,
        ReplyLost,
    }

    private async Task<IDetectionRunRepository> ReadyAsync()
    {
        if ((await MongoBackendFixture.ServerAsync()).SkipReason is { } reason) Assert.Skip(reason);
        return _services!.CreateScope().ServiceProvider.GetRequiredService<IDetectionRunRepository>();
    }

    private static async Task<DetectionRun> CreateQueuedRunAsync(IDetectionRunRepository runs)
    {
        var started = DateTime.UtcNow.AddMinutes(-5);
        var run = new DetectionRun
        {
            RunId = $"run-{Guid.NewGuid():N}",
            Metadata = new DetectionRunMetadata { DetectorId = "det-1", TenantId = Tenant },
            StartedAt = started,
            Window = new DetectionWindow { From = started.AddHours(-1), To = started },
        };
        Assert.IsType<Outcome<DetectionRun>.Ok>(await runs.CreateAsync(run, TestContext.Current.CancellationToken));
        return run;
    }

    private async Task AssertOneRunAsync(string runId, string status)
    {
        var stored = await _raw!.Find(new BsonDocument { { "metadata.tenant_id", Tenant }, { "run_id", runId } }).ToListAsync();
        Assert.Single(stored);
        Assert.Equal(status, stored[0]["metadata"]["status"].AsString);
    }

    /// <summary>The faults to raise from the repository client's command events, and the commands seen since armed.</summary>
    private sealed class Faults
    {
        private readonly ConcurrentQueue<string> _commands = new();
        private string? _command;
        private When _when;
        private int _remaining;
        private CancellationTokenSource? _cancel;

        public int Remaining => Volatile.Read(ref _remaining);

        public List<string> CommandsSinceArmed => _commands.ToList();

        public void Arm(string command, When when, int times)
        {
            _commands.Clear();
            (_command, _when, _remaining) = (command, when, times);
        }

        public void CancelOn(string command, CancellationTokenSource cancel)
        {
            _commands.Clear();
            (_command, _cancel, _remaining) = (command, cancel, 1);
        }

        public void Started(string command)
        {
            _commands.Enqueue(command);
            if (command != _command) return;
            if (_cancel is not null && Interlocked.Exchange(ref _remaining, 0) == 1) _cancel.Cancel();
            else if (_when == When.BeforeSending && TakeOne()) throw new InjectedFault($"{command} failed before it was sent");
        }

        public void Succeeded(string command)
        {
            if (command == _command && _cancel is null && _when == When.ReplyLost && TakeOne())
                throw new InjectedFault($"{command} ran, its reply was lost");
        }

        private bool TakeOne()
        {
            while (true)
            {
                var left = Volatile.Read(ref _remaining);
                if (left == 0) return false;
                if (Interlocked.CompareExchange(ref _remaining, left - 1, left) == left) return true;
            }
        }
    }

    private sealed class InjectedFault(string message) : Exception(message);
}
