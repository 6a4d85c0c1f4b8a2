using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Olorin.Server.Migration;

/// <summary>
/// Wraps one repository port of the primary store: each successful by-id read (<see cref="ShadowReadTargets"/>) is
/// offered to the <see cref="ShadowReadQueue"/>, which samples it and queues its key without waiting; the caller gets
/// the primary's task untouched. Every other method passes through.
/// </summary>
public class ShadowReadProxy : DispatchProxy
{
    /// <summary>Set on the shadow worker's own reads of the primary, which must not be sampled again.</summary>
    private static readonly AsyncLocal<bool> Suppressed = new();

    private object _inner = null!;
    private ShadowReadQueue _queue = null!;
    private Type _port = null!;
    private string _collection = null!;

    public static object Wrap(Type port, object inner, ShadowReadQueue queue)
    {
        var proxy = (ShadowReadProxy)Create(port, typeof(ShadowReadProxy));
        proxy._inner = inner;
        proxy._queue = queue;
        proxy._port = port;
        proxy._collection = ShadowReadTargets.Collections[port];
        return proxy;
    }

    /// <summary>Runs <paramref name="read"/> without offering its by-id reads to the queue.</summary>
    public static async Task<T> UnsampledAsync<T>(Func<Task<T>> read)
    {
        Suppressed.Value = true;
        try
        {
            return await read();
        }
        finally
        {
            Suppressed.Value = false;
        }
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(method);
        object? result;
        try
        {
            result = method.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
        if (Suppressed.Value || !ShadowReadTargets.IsByIdRead(method) || result is not Task task) return result;
        if (!_queue.ShouldSample()) return result;

        var key = args![..^1].Cast<string>().ToArray();
        task.ContinueWith(static (t, state) =>
        {
            var (self, method, key) = ((ShadowReadProxy, MethodInfo, string[]))state!;
            if (t.IsCompletedSuccessfully) self._queue.Offer(new ShadowRead(self._port, method, self._collection, key[0], string.Join('/', key[1..]), key));
        }, (this, method, key), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return result;
    }
}

/// <summary>One sampled by-id read: the port and method to call again on both stores, and the document's identity.</summary>
public sealed record ShadowRead(Type Port, MethodInfo Method, string Collection, string TenantId, string Id, string[] Arguments);
