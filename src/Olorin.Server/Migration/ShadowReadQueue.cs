using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Olorin.Server.Migration;

/// <summary>
/// Between the request path and the <see cref="ShadowReadWorker"/>: a bounded queue the request side writes to without
/// ever waiting. When it is full the read is dropped and counted (<see cref="ShadowReadStats.Dropped"/>): shadow reads
/// never slow a client down.
/// </summary>
public sealed class ShadowReadQueue(IOptions<MigrationGateOptions> options, ShadowReadStats stats)
{
    public const int Capacity = 1024;

    private readonly double _rate = options.Value.ShadowReadSampleRate;
    private readonly Channel<ShadowRead> _channel = Channel.CreateBounded<ShadowRead>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public double SampleRate => _rate;

    public ChannelReader<ShadowRead> Reader => _channel.Reader;

    public bool ShouldSample() => _rate >= 1 || (_rate > 0 && Random.Shared.NextDouble() < _rate);

    public void Offer(ShadowRead read)
    {
        stats.Sampled();
        if (!_channel.Writer.TryWrite(read)) stats.Dropped();
    }
}
