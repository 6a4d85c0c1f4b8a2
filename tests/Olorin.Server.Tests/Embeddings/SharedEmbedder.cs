using Olorin.Embeddings;

namespace Olorin.Server.Tests.Embeddings;

/// <summary>
/// The one all-MiniLM-L6-v2 of this test assembly: loaded on first use (about 5 s and 300 MiB), shared by every test
/// that needs the model, including the servers of <see cref="EmbeddingApiFixture"/>. Tests that do not need it never load it.
/// </summary>
public static class SharedEmbedder
{
    private static readonly Lazy<MiniLmTextEmbedder> Model = new(() =>
    {
        var model = new MiniLmTextEmbedder(batchSize: 32);
        model.StartLoading();
        return model;
    });

    public static async Task<MiniLmTextEmbedder> ReadyAsync()
    {
        var model = Model.Value;
        Assert.True(await model.WhenReadyAsync(TestContext.Current.CancellationToken), model.FailureReason);
        return model;
    }

    public static double Cosine(float[] a, float[] b) => Infrastructure.VectorMath.Cosine(a, b);
}
