namespace Olorin.Migration;

/// <summary>Runs a function over items with a bounded number of calls in flight.</summary>
public static class Concurrently
{
    /// <summary>
    /// Calls <paramref name="work"/> for every item, at most <paramref name="parallelism"/> at a time, started in the
    /// items' order; returns the results in that order. The first failure cancels the calls in flight (through the
    /// token they are given), starts no more, and is the error thrown once they have all ended.
    /// </summary>
    public static async Task<IReadOnlyList<TResult>> MapAsync<TItem, TResult>(
        IReadOnlyList<TItem> items, int parallelism, Func<TItem, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        var results = new TResult[items.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(Math.Max(1, parallelism));
        var running = new List<Task>();
        Exception? firstError = null;
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                await slots.WaitAsync(stop.Token);
                var index = i;
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        results[index] = await work(items[index], stop.Token);
                    }
                    catch (Exception ex)
                    {
                        if (Interlocked.CompareExchange(ref firstError, ex, null) is null) await stop.CancelAsync();
                        throw;
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
            await Task.WhenAll(running);
        }
        catch (Exception ex)
        {
            try { await Task.WhenAll(running); } catch (Exception) { /* the first error is the one reported */ }
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstError ?? ex);
        }
        return results;
    }
}
