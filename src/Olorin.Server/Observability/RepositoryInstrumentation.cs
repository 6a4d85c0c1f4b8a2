using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Olorin.Server.Observability;

/// <summary><c>olorin.repository.operation.duration</c>: every repository call, by backend, repository, operation and outcome.</summary>
public sealed class RepositoryInstruments(OlorinMeter meter) : IOlorinInstruments
{
    private readonly Histogram<double> _duration = meter.Meter.CreateHistogram(
        "olorin.repository.operation.duration", unit: "s",
        description: "Repository port calls (one call may be several database commands), by backend, repository, operation and outcome (success, failure, cancelled).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10] });

    public void Record(string backend, string repository, string operation, string outcome, TimeSpan elapsed)
        => _duration.Record(elapsed.TotalSeconds, new TagList
        {
            { "db.backend", backend }, { "repository", repository }, { "operation", operation }, { "outcome", outcome },
        });
}

public static class RepositoryInstrumentation
{
    /// <summary>
    /// Wraps every repository port registered by the serving adapter in <see cref="InstrumentedRepository"/>: the one
    /// seam through which latency is measured and a span is opened for each call, whatever the backend and port.
    /// </summary>
    public static IServiceCollection AddRepositoryInstrumentation(this IServiceCollection services, string backend)
    {
        services.AddOlorinInstruments<RepositoryInstruments>();
        foreach (var port in RepositoryRegistration.Ports)
        {
            var descriptor = services.LastOrDefault(d => d.ServiceType == port && !d.IsKeyedService);
            if (descriptor?.ImplementationType is not { } implementation) continue;
            services.Remove(descriptor);
            // The constructor is matched once here, not by reflection on every resolution (each request's repositories).
            var create = ActivatorUtilities.CreateFactory(implementation, Type.EmptyTypes);
            services.Add(ServiceDescriptor.Describe(port, sp => InstrumentedRepository.Wrap(
                port, create(sp, null), sp.GetRequiredService<RepositoryInstruments>(), backend),
                descriptor.Lifetime));
        }
        return services;
    }
}

/// <summary>
/// A proxy for one repository port. Task-returning methods are timed until the task completes; the others (the
/// bulk export stream, <c>KeyOf</c>) pass through untimed.
/// </summary>
public class InstrumentedRepository : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, string> OperationNames = new();

    /// <summary>
    /// One proxy per port, made by <see cref="DispatchProxy.Create"/> once and copied for each repository instance:
    /// Create binds the generated type's constructor by reflection on every call, ~1% of the server's CPU under
    /// GET /investigations/{id} load (docs/performance.md, "Session 7: GET by id"). A copy is the same generated type
    /// with its own fields; the generated methods pass the proxy they were called on to <see cref="Invoke"/>, so a copy
    /// dispatches to its own inner repository (<c>RepositoryInstrumentationTests</c>).
    /// </summary>
    private static readonly ConcurrentDictionary<Type, InstrumentedRepository> Templates = new();

    private object _inner = null!;
    private RepositoryInstruments _instruments = null!;
    private string _backend = null!;
    private string _repository = null!;

    public static object Wrap(Type port, object inner, RepositoryInstruments instruments, string backend)
    {
        var proxy = (InstrumentedRepository)Templates.GetOrAdd(port, static p => (InstrumentedRepository)Create(p, typeof(InstrumentedRepository))).MemberwiseClone();
        proxy._inner = inner;
        proxy._instruments = instruments;
        proxy._backend = backend;
        proxy._repository = RepositoryName(port);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!typeof(Task).IsAssignableFrom(method.ReturnType)) return Call(method, args);

        var operation = OperationNames.GetOrAdd(method, m => SnakeCase(m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^5] : m.Name));
        var parent = Activity.Current;
        var activity = OlorinMeter.ActivitySource.StartActivity($"{_repository}.{operation}");
        activity?.SetTag("db.backend", _backend);
        var started = Stopwatch.GetTimestamp();
        Task task;
        try
        {
            task = (Task)Call(method, args)!;
        }
        catch (Exception ex)
        {
            Complete(activity, operation, started, ex is OperationCanceledException ? "cancelled" : "failure", ex);
            throw;
        }
        finally
        {
            // The span stays current for the call (its continuations captured it), not for our caller.
            Activity.Current = parent;
        }
        task.ContinueWith(static (t, state) =>
        {
            var (self, activity, operation, started) = ((InstrumentedRepository, Activity?, string, long))state!;
            var outcome = t.IsCanceled ? "cancelled" : t.IsFaulted ? "failure" : "success";
            self.Complete(activity, operation, started, outcome, t.Exception?.InnerException);
        }, (this, activity, operation, started), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private void Complete(Activity? activity, string operation, long started, string outcome, Exception? error)
    {
        _instruments.Record(_backend, _repository, operation, outcome, Stopwatch.GetElapsedTime(started));
        if (activity is null) return;
        if (error is not null && outcome == "failure") activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        activity.Dispose();
    }

    /// <summary><c>IInvestigationRepository</c> → <c>investigation</c>, <c>ISoarPlaybookExecutionRepository</c> → <c>soar_playbook_execution</c>.</summary>
    public static string RepositoryName(Type port)
    {
        var name = port.Name;
        if (name.StartsWith('I')) name = name[1..];
        if (name.EndsWith("Repository", StringComparison.Ordinal)) name = name[..^"Repository".Length];
        return SnakeCase(name);
    }

    private static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) builder.Append('_');
            builder.Append(char.ToLowerInvariant(pascal[i]));
        }
        return builder.ToString();
    }
}
