namespace Olorin.Server.Tests.Infrastructure;

/// <summary>Cosine similarity computed in the test, in double precision, to check what a backend or the model returns.</summary>
public static class VectorMath
{
    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
