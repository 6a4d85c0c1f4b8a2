using Olorin.Core.Embeddings;
using Olorin.Embeddings;

namespace Olorin.Server.Tests.Embeddings;

/// <summary>The model as the server runs it: the documented similarity (tokenizer and pooling right), ranking, batching.</summary>
public sealed class MiniLmTextEmbedderTests
{
    [Fact]
    public async Task The_documented_pair_has_cosine_0_7553()
    {
        var model = await SharedEmbedder.ReadyAsync();

        var vectors = await model.EmbedAsync(["A man is eating food.", "A man is eating a piece of bread."], TestContext.Current.CancellationToken);

        Assert.Equal(MiniLmTextEmbedder.ModelDimension, vectors[0].Length);
        Assert.Equal(1.0, Math.Sqrt(vectors[0].Sum(x => (double)x * x)), 3);
        Assert.Equal(0.7553, SharedEmbedder.Cosine(vectors[0], vectors[1]), 0.001);
    }

    [Fact]
    public async Task A_paraphrase_ranks_above_an_unrelated_sentence()
    {
        var model = await SharedEmbedder.ReadyAsync();

        var v = await model.EmbedAsync(
            ["Card testing: many small declined payments from one device.",
             "A burst of tiny failed card charges coming from a single device.",
             "The quarterly marketing newsletter was sent to subscribers."],
            TestContext.Current.CancellationToken);

        Assert.True(SharedEmbedder.Cosine(v[0], v[1]) > SharedEmbedder.Cosine(v[0], v[2]) + 0.3,
            $"paraphrase {SharedEmbedder.Cosine(v[0], v[1]):F3}, unrelated {SharedEmbedder.Cosine(v[0], v[2]):F3}");
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_vectors_as_one_at_a_time()
    {
        var model = await SharedEmbedder.ReadyAsync();
        var texts = Enumerable.Range(0, 12).Select(i => $"anomaly: metric tx_count_{i}; severity warn").ToArray();
        var alone = await model.EmbedAsync(texts[3], TestContext.Current.CancellationToken);

        var together = await Task.WhenAll(texts.Select(t => Task.Run(() => model.EmbedAsync(t, TestContext.Current.CancellationToken))));

        // Batched with other texts (padded to the longest), the vector is the same up to float noise.
        Assert.True(SharedEmbedder.Cosine(alone, together[3]) > 0.9999);
        Assert.All(together, v => Assert.Equal(MiniLmTextEmbedder.ModelDimension, v.Length));
    }

    [Fact]
    public async Task Before_the_model_is_loaded_embedding_refuses_instead_of_waiting()
    {
        using var notStarted = new MiniLmTextEmbedder(batchSize: 4);

        var refused = await Assert.ThrowsAsync<EmbedderUnavailableException>(() => notStarted.EmbedAsync(["x"], TestContext.Current.CancellationToken));

        Assert.Equal(EmbedderState.Loading, refused.State);
        Assert.Equal(EmbedderState.Loading, notStarted.State);
    }
}
