using System.Threading.Channels;
using Olorin.Core.Embeddings;

namespace Olorin.Server.Embeddings;

/// <summary>A document whose embedding is to be computed: its collection and key.</summary>
public sealed record EmbeddingWork(EmbeddingCollection Collection, string TenantId, string Id);

/// <summary>
/// The documents written since start-up that wait for an embedding; <see cref="EmbeddingWorker"/> drains it. Only
/// a shortcut: what is to do is whatever the store holds without an embedding, which the worker catches up on at
/// start (after a crash) and whenever this queue overflowed. Off (every enqueue ignored) with EMBEDDING_ENABLED=false.
/// </summary>
public sealed class EmbeddingQueue(bool enabled, int capacity = EmbeddingQueue.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly Channel<EmbeddingWork> _channel = Channel.CreateBounded<EmbeddingWork>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private int _overflowed;

    public bool Enabled { get; } = enabled;

    /// <summary>Documents waiting for the worker (the "embedding queue depth").</summary>
    public int Depth => _channel.Reader.Count;

    /// <summary>Asks for the document's embedding; never blocks. When the queue is full the store catch-up finds it instead.</summary>
    public void Enqueue(EmbeddingCollection collection, string tenantId, string id)
    {
        if (!Enabled) return;
        if (!_channel.Writer.TryWrite(new EmbeddingWork(collection, tenantId, id)) || _channel.Reader.Count >= capacity)
            Interlocked.Exchange(ref _overflowed, 1);
    }

    internal ChannelReader<EmbeddingWork> Reader => _channel.Reader;

    /// <summary>True once after the queue dropped work (the worker then catches up from the store).</summary>
    internal bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;
}
